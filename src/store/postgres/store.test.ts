import { storeContract } from '../store.contract.ts';
import { freshPostgresStore } from '../../../test/helpers/stores.ts';

storeContract('postgres', freshPostgresStore);
