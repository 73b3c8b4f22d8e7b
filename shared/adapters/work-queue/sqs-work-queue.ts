/**
 * The fan-out's work queue over SQS (shared/app/fan-out.ts): one message per chunk, ten per
 * SendMessageBatch call. A message the batch call did not take is sent again; one still refused after
 * that fails the dispatch (the dispatching invocation is retried, and the run, recorded under an id the
 * retry finds again, is sent whole once more: a chunk audited twice completes once).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { WorkItem, WorkQueue } from '../../app/fan-out.js';
import { InputError } from '../../domain/errors.js';

export function createSqsWorkQueue(options: {
  readonly client: SQSClient;
  readonly queueUrl: string;
}): WorkQueue {
  return {
    async send(items) {
      for (let i = 0; i < items.length; i += 10) {
        let pending = items.slice(i, i + 10).map((item, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(item),
        }));
        for (let attempt = 0; pending.length > 0; attempt += 1) {
          if (attempt >= 4) {
            throw new Error(
              `SendMessageBatch refused ${pending.length} work items after ${attempt} attempts`,
            );
          }
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
          const output = await options.client.send(
            new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: pending }),
          );
          const failed = new Set((output.Failed ?? []).map((f) => f.Id));
          pending = pending.filter((entry) => failed.has(entry.Id));
        }
      }
    },
  };
}

const workItemSchema = z.object({
  runId: z.string().min(1).max(200),
  kind: z.enum(['sweep', 'change']),
  chunk: z.number().int().min(0),
  region: z.string(),
  functionArns: z.array(z.string().min(1)),
});

/** A work queue message body, checked: the queue admits only the stack's own functions, yet it is input. */
export function parseWorkItem(body: string, messageId: string): WorkItem {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InputError(`work item ${messageId} is not JSON`, { cause: error });
  }
  const parsed = workItemSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `work item ${messageId} is not a work item: ${issue ? `${issue.path.join('.') || '(body)'} ${issue.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}
