import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { readPublicKey } from '../../ops/signing-key.ts';
import type { CliContext } from '../context.ts';

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description("check a package: the manifest's Ed25519 signature, every file's SHA-256, no file added or missing, and its expiry")
    .argument('<package>', 'the package directory')
    .option('--key <file>', 'the public key (PEM) you were given out of band; without it, the key in the manifest is used and only its fingerprint is shown')
    .action(async (dir: string, flags: { key?: string }) => {
      const { verifyPackageDir } = await import('../../ops/packages.ts');
      const result = verifyPackageDir(dir, { now: ctx.now(), ...(flags.key ? { trustedKey: readPublicKey(flags.key) } : {}) });
      if (!result.ok) {
        for (const problem of result.problems) ctx.err.write(`${dir}: ${problem}\n`);
        throw new InputError('TIX_PACKAGE_TAMPERED', `${dir}: the package does not verify (${result.problems.length} problem(s))`, { file: dir });
      }
      const manifest = result.manifest!;
      ctx.out.write(
        `${dir}: OK, ${manifest.files.length} files, operation ${manifest.operation}, ${manifest.country}${manifest.recipient ? ` for ${manifest.recipient}` : ''}, ` +
          `signed by key ${manifest.signer.keyId}${flags.key ? ' (trusted)' : ''}, made ${manifest.createdAt}, expires ${manifest.expiresAt}\n`,
      );
      if (result.expired) throw new InputError('TIX_PACKAGE_EXPIRED', `${dir}: intact, but expired on ${manifest.expiresAt}`, { file: dir });
    });
}
