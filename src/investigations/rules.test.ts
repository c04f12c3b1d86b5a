import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TixError } from '../errors.ts';
import { confidenceAfterFeedback, isMember, isOverdue, mayOpenInvestigation, nextRfiStatus, RFI_STATUSES, type RfiAction, type RfiStatus } from './rules.ts';

const POLICE = 3;
const VENDOR = 1;
const OTHER = 6;

const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    return error instanceof TixError ? error.code : 'not a TixError';
  }
};

describe('investigation rules', () => {
  it('let police organisations alone open investigations', () => {
    assert.equal(mayOpenInvestigation('national-police'), true);
    assert.equal(mayOpenInvestigation('international-police'), true);
    assert.equal(mayOpenInvestigation('vendor'), false);
    assert.equal(mayOpenInvestigation('cert'), false);
  });

  it('admit the opening organisation and invited members only', () => {
    const investigation = { org: POLICE, members: [VENDOR] };
    assert.equal(isMember(POLICE, investigation), true);
    assert.equal(isMember(VENDOR, investigation), true);
    assert.equal(isMember(OTHER, investigation), false);
  });
});

describe('request state machine', () => {
  // written from the rules' wording: [status, actor, action] → next status or error code
  const TABLE: Array<[RfiStatus, number, RfiAction, RfiStatus | string]> = [
    ['open', VENDOR, 'answer', 'answered'],
    ['open', VENDOR, 'decline', 'declined'],
    ['open', POLICE, 'answer', 'TIX_RFI_NOT_PARTY'],
    ['open', OTHER, 'comment', 'TIX_RFI_NOT_PARTY'],
    ['open', POLICE, 'comment', 'open'],
    ['open', POLICE, 'close', 'closed'],
    ['open', VENDOR, 'close', 'TIX_RFI_NOT_PARTY'],
    ['open', POLICE, 'reopen', 'TIX_RFI_NOT_OPEN'],
    ['answered', VENDOR, 'answer', 'answered'],
    ['answered', VENDOR, 'decline', 'TIX_RFI_NOT_OPEN'],
    ['answered', POLICE, 'close', 'closed'],
    ['declined', VENDOR, 'answer', 'TIX_RFI_NOT_OPEN'],
    ['declined', POLICE, 'close', 'closed'],
    ['closed', VENDOR, 'answer', 'TIX_RFI_NOT_OPEN'],
    ['closed', VENDOR, 'decline', 'TIX_RFI_NOT_OPEN'],
    ['closed', VENDOR, 'comment', 'TIX_RFI_NOT_OPEN'],
    ['closed', POLICE, 'close', 'TIX_RFI_NOT_OPEN'],
    ['closed', POLICE, 'reopen', 'open'],
  ];
  it('moves as written, and refuses what is not allowed with a code', () => {
    for (const [status, actor, action, expected] of TABLE) {
      const rfi = { status, from: POLICE, to: VENDOR };
      const got = RFI_STATUSES.includes(expected as RfiStatus) ? nextRfiStatus(rfi, actor, action) : codeOf(() => nextRfiStatus(rfi, actor, action));
      assert.equal(got, expected, `${status} ${actor} ${action}`);
    }
  });

  it('flags open requests past their due date as overdue', () => {
    assert.equal(isOverdue({ status: 'open', dueAt: 100 }, 101), true);
    assert.equal(isOverdue({ status: 'open', dueAt: 100 }, 100), false);
    assert.equal(isOverdue({ status: 'answered', dueAt: 100 }, 200), false);
    assert.equal(isOverdue({ status: 'open' }, 200), false);
  });
});

describe('feedback on confidence', () => {
  it('halves confidence per organisation reporting a false positive, and ignores other outcomes', () => {
    assert.equal(confidenceAfterFeedback(80, []), 80);
    assert.equal(confidenceAfterFeedback(80, [{ kind: 'takedown', org: POLICE }]), 80);
    assert.equal(confidenceAfterFeedback(80, [{ kind: 'false-positive', org: POLICE }]), 40);
    assert.equal(confidenceAfterFeedback(80, [{ kind: 'false-positive', org: POLICE }, { kind: 'false-positive', org: POLICE }]), 40);
    assert.equal(confidenceAfterFeedback(80, [{ kind: 'false-positive', org: POLICE }, { kind: 'false-positive', org: OTHER }]), 20);
    assert.equal(confidenceAfterFeedback(undefined, [{ kind: 'false-positive', org: POLICE }]), undefined);
  });
});
