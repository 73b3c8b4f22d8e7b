/**
 * The stack name of a function the worker alerts on, from the inventory's tags (issue 10): Lambda is asked
 * (ListTags) only for a function whose tags the inventory has not read.
 */
import {
  createInventoryStackNames,
  STACK_NAME_TAG,
} from '../../../shared/adapters/notifier/function-tags.js';
import type { InventoryEntry } from '../../../shared/adapters/state-store/inventory-store.js';

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

function entry(name: string, tags: Record<string, string> | undefined): InventoryEntry {
  return {
    functionArn: arn(name),
    configuration: { FunctionName: name, FunctionArn: arn(name), ...(tags ? { Tags: tags } : {}) },
    eventSourceMappings: [],
    tagsRead: tags !== undefined,
    readAt: '2026-12-02T05:00:00.000Z',
  };
}

describe('stack names from the inventory', () => {
  const entries = new Map([
    [arn('from-stack'), entry('from-stack', { [STACK_NAME_TAG]: 'orders-prod', team: 'orders' })],
    [arn('by-hand'), entry('by-hand', { team: 'orders' })],
    [arn('blank'), entry('blank', { [STACK_NAME_TAG]: '  ' })],
    [arn('tags-unread'), entry('tags-unread', undefined)],
  ]);
  const asked: string[] = [];
  const stackNameOf = createInventoryStackNames(
    {
      getMany: async (arns) =>
        new Map(arns.flatMap((a) => (entries.has(a) ? [[a, entries.get(a) as InventoryEntry]] : []))),
    },
    {
      stackNameOf: async (functionArn) => {
        asked.push(functionArn);
        return 'from-list-tags';
      },
    },
  );

  it('reads the tag the inventory holds, for a function and its published versions, without ListTags', async () => {
    expect(await stackNameOf(arn('from-stack'))).toBe('orders-prod');
    expect(await stackNameOf(`${arn('from-stack')}:3`)).toBe('orders-prod');
    expect(await stackNameOf(arn('by-hand'))).toBeUndefined();
    expect(await stackNameOf(arn('blank'))).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('asks Lambda for a function whose tags the inventory has not read, or does not know', async () => {
    expect(await stackNameOf(arn('tags-unread'))).toBe('from-list-tags');
    expect(await stackNameOf(`${arn('unknown')}:7`)).toBe('from-list-tags');
    expect(asked).toEqual([arn('tags-unread'), arn('unknown')]);
  });
});
