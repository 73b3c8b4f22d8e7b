import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import { runAudit } from '../../../shared/app/run-audit.js';
import { InputError } from '../../../shared/domain/errors.js';
import type { AccountSnapshot, AccountSource } from '../../../shared/domain/model.js';
import { doc, lambdaFunction, logsStatement, role, snapshot } from '../../support/snapshot-builder.js';

function sourceOf(account: AccountSnapshot): AccountSource {
  return { load: async () => account };
}

const healthy = snapshot({
  functions: [lambdaFunction('healthy')],
  roles: [role('healthy-role', { inline: { logs: doc(logsStatement('healthy')) } })],
});

describe('the audit use case', () => {
  it('refuses a function name the account does not have, naming it', async () => {
    const run = runAudit(sourceOf(healthy), {
      scope: { functionNames: ['helthy'] },
      catalog: await loadActionCatalog(),
    });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow('function helthy not found in the export folder test');
  });

  it('lists a named function the source could not read under errors instead of calling it unknown', async () => {
    const denied: AccountSnapshot = {
      ...healthy,
      readErrors: [
        { functionName: 'secret', resource: 'secret', message: 'AccessDeniedException: not authorized' },
      ],
    };
    const report = await runAudit(sourceOf(denied), {
      scope: { functionNames: ['healthy', 'secret'] },
      catalog: await loadActionCatalog(),
      now: () => new Date('2026-11-26T12:00:00Z'),
    });
    expect(report.functions.map((fn) => fn.functionName)).toEqual(['healthy']);
    expect(report.errors).toEqual([
      expect.objectContaining({ functionName: 'secret', message: expect.stringContaining('AccessDenied') }),
    ]);
  });
});
