/**
 * What each function is connected to, for the HTML report's picture: its event source mappings (what
 * Lambda reads from with the role), its dead-letter target and asynchronous destinations (what Lambda
 * writes to with the role). Taken from the account snapshot the audit read, keyed by function name; the
 * report alone does not list a source that has no finding.
 */
import { functionNameOf, parseArn } from '../../domain/arn.js';
import type { AccountSnapshot, EventSourceMapping } from '../../domain/model.js';

export interface SourceLink {
  /** `event-source-mapping` (read by Lambda), or a target Lambda writes to. */
  readonly kind: 'event-source-mapping' | 'dead-letter' | 'on-success' | 'on-failure';
  /** The service, e.g. `sqs`, `kinesis`, `kafka` (self-managed), `mq`. */
  readonly service: string;
  /** A short name to draw: `payments`, `clickstream`. */
  readonly label: string;
  /** The ARN, or the broker endpoint of a self-managed source; empty when the mapping names none. */
  readonly target: string;
  /** The mapping's UUID and state (`Enabled`, `Disabled`…), for event source mappings. */
  readonly uuid?: string;
  readonly state?: string;
  /** The function's configuration setting the finding causes name (`DeadLetterConfig`, `DestinationConfig.OnSuccess ($LATEST)`). */
  readonly setting?: string;
}

export type FunctionSources = ReadonlyMap<string, readonly SourceLink[]>;

/** `stream/clickstream/consumer/x:1` → `clickstream`; `payments` → `payments`; `event-bus/b` → `b`. */
export function resourceLabel(target: string): { service: string; label: string } {
  const arn = parseArn(target);
  if (arn === undefined) return { service: '', label: target };
  const resource = arn.resource;
  const typeEnd = firstSeparator(resource, 0);
  if (typeEnd < 0) return { service: arn.service, label: resource };
  const nameEnd = firstSeparator(resource, typeEnd + 1);
  const label = resource.slice(typeEnd + 1, nameEnd < 0 ? resource.length : nameEnd);
  return { service: arn.service, label: label === '' ? resource : label };
}

function firstSeparator(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '/' || ch === ':') return i;
  }
  return -1;
}

function mappingLink(mapping: EventSourceMapping): SourceLink {
  const state = mapping.State !== undefined ? { state: mapping.State } : {};
  if (mapping.EventSourceArn !== undefined && mapping.EventSourceArn !== '') {
    const { service, label } = resourceLabel(mapping.EventSourceArn);
    return {
      kind: 'event-source-mapping',
      service,
      label,
      target: mapping.EventSourceArn,
      uuid: mapping.UUID,
      ...state,
    };
  }
  // Self-managed Kafka names its brokers, not an ARN.
  const endpoints = Object.values(mapping.SelfManagedEventSource?.Endpoints ?? {}).flat();
  const broker = endpoints[0] ?? '';
  const topic = mapping.Topics?.[0];
  return {
    kind: 'event-source-mapping',
    service: 'kafka',
    label: topic ?? (broker || 'self-managed source'),
    target: broker,
    uuid: mapping.UUID,
    ...state,
  };
}

function targetLink(kind: SourceLink['kind'], target: string, setting: string): SourceLink {
  const { service, label } = resourceLabel(target);
  return { kind, service, label, target, setting };
}

export function functionSources(snapshot: AccountSnapshot): FunctionSources {
  const links = new Map<string, SourceLink[]>();
  const add = (functionArn: string, link: SourceLink): void => {
    const name = functionNameOf(functionArn);
    if (name === undefined) return;
    const list = links.get(name) ?? [];
    list.push(link);
    links.set(name, list);
  };
  for (const mapping of snapshot.eventSourceMappings) add(mapping.FunctionArn, mappingLink(mapping));
  for (const fn of snapshot.functions) {
    const deadLetter = fn.DeadLetterConfig?.TargetArn;
    if (deadLetter) add(fn.FunctionArn, targetLink('dead-letter', deadLetter, 'DeadLetterConfig'));
  }
  for (const config of snapshot.eventInvokeConfigs ?? []) {
    const onSuccess = config.DestinationConfig?.OnSuccess?.Destination;
    const onFailure = config.DestinationConfig?.OnFailure?.Destination;
    if (onSuccess)
      add(config.FunctionArn, targetLink('on-success', onSuccess, 'DestinationConfig.OnSuccess'));
    if (onFailure)
      add(config.FunctionArn, targetLink('on-failure', onFailure, 'DestinationConfig.OnFailure'));
  }
  return links;
}
