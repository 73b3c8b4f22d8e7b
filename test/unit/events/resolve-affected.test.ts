import type { Change } from '../../../shared/events/change.js';
import {
  type Directory,
  resolveAffectedFunctions,
  roleNameOf,
} from '../../../shared/events/resolve-affected.js';

function change(target: Change['target']): Change {
  return {
    eventName: 'X',
    action: 'X',
    actor: 'a',
    eventTime: 't',
    region: 'us-east-1',
    summary: 's',
    target,
  };
}

function directory(calls: string[]): Directory {
  return {
    async rolesAttachingPolicy(arn) {
      calls.push(`roles:${arn}`);
      return arn.endsWith('/unused') ? [] : ['role-a', 'role-b'];
    },
    async functionsOfRoles(names) {
      calls.push(`functions:${names.join(',')}`);
      return names.flatMap((n) => [`arn:aws:lambda:us-east-1:1:function:${n}-fn`]);
    },
    async functionOfMapping(uuid) {
      calls.push(`mapping:${uuid}`);
      return uuid === 'gone' ? undefined : 'arn:aws:lambda:us-east-1:1:function:mapped';
    },
    async functionsSharingRoleWith(arn) {
      calls.push(`siblings:${arn}`);
      return arn === 'lonely' ? [arn] : [arn, `${arn}-sibling`];
    },
    async functionsUsingResource(resourceArn, region) {
      calls.push(`users:${resourceArn}@${region}`);
      return resourceArn.endsWith(':unused') ? [] : ['arn:aws:lambda:us-east-1:1:function:reader', 'lonely'];
    },
  };
}

describe('resolution of affected functions', () => {
  it('turns a managed policy change into every function of every role attaching it', async () => {
    const calls: string[] = [];
    const arns = await resolveAffectedFunctions(
      change({ kind: 'managed-policy', policyArn: 'p' }),
      directory(calls),
    );
    expect(arns).toEqual([
      'arn:aws:lambda:us-east-1:1:function:role-a-fn',
      'arn:aws:lambda:us-east-1:1:function:role-b-fn',
    ]);
    expect(calls).toEqual(['roles:p', 'functions:role-a,role-b']);
  });

  it('does not list functions for a policy no role attaches', async () => {
    const calls: string[] = [];
    expect(
      await resolveAffectedFunctions(
        change({ kind: 'managed-policy', policyArn: 'x/unused' }),
        directory(calls),
      ),
    ).toEqual([]);
    expect(calls).toEqual(['roles:x/unused']);
  });

  it('turns a role change into the functions of the role', async () => {
    const arns = await resolveAffectedFunctions(change({ kind: 'role', roleName: 'r' }), directory([]));
    expect(arns).toEqual(['arn:aws:lambda:us-east-1:1:function:r-fn']);
  });

  it('reads a mapping to find its function and the functions sharing its role, and finds nothing for a mapping deleted since', async () => {
    const target = { kind: 'event-source-mapping', uuid: 'u', region: 'us-east-1' } as const;
    expect(await resolveAffectedFunctions(change(target), directory([]))).toEqual([
      'arn:aws:lambda:us-east-1:1:function:mapped',
      'arn:aws:lambda:us-east-1:1:function:mapped-sibling',
    ]);
    expect(await resolveAffectedFunctions(change({ ...target, uuid: 'gone' }), directory([]))).toEqual([]);
  });

  it('turns a function change into the function and every other function of its role', async () => {
    const calls: string[] = [];
    expect(
      await resolveAffectedFunctions(change({ kind: 'function', functionArn: 'f' }), directory(calls)),
    ).toEqual(['f', 'f-sibling']);
    expect(calls).toEqual(['siblings:f']);
    expect(
      await resolveAffectedFunctions(change({ kind: 'function', functionArn: 'lonely' }), directory([])),
    ).toEqual(['lonely']);
  });

  it('turns a change of a source key into the functions using it and their roles’ other functions', async () => {
    const calls: string[] = [];
    const queue = 'arn:aws:sqs:us-east-1:1:orders';
    const arns = await resolveAffectedFunctions(
      change({ kind: 'source-encryption', resourceArn: queue, region: 'us-east-1' }),
      directory(calls),
    );
    expect(arns).toEqual([
      'arn:aws:lambda:us-east-1:1:function:reader',
      'arn:aws:lambda:us-east-1:1:function:reader-sibling',
      'lonely',
    ]);
    expect(calls).toEqual([
      `users:${queue}@us-east-1`,
      'siblings:arn:aws:lambda:us-east-1:1:function:reader',
      'siblings:lonely',
    ]);
    const unused = {
      kind: 'source-encryption',
      resourceArn: `${queue}:unused`,
      region: 'us-east-1',
    } as const;
    expect(await resolveAffectedFunctions(change(unused), directory([]))).toEqual([]);
  });

  it('propagates lookup failures so that the message is retried', async () => {
    const failing: Directory = {
      ...directory([]),
      functionsOfRoles: () => Promise.reject(new Error('Throttling')),
    };
    await expect(resolveAffectedFunctions(change({ kind: 'role', roleName: 'r' }), failing)).rejects.toThrow(
      'Throttling',
    );
  });

  it('takes the role name from a role ARN with a path', () => {
    expect(roleNameOf('arn:aws:iam::1:role/service-role/team/orders')).toBe('orders');
  });
});
