/**
 * The stacks of a CDK cloud assembly (`cdk synth`'s output folder): every artifact of type
 * `aws:cloudformation:stack` in its `manifest.json`, those of nested assemblies (stages), and the nested
 * stacks their templates name (`AWS::CloudFormation::Stack` resources whose `aws:asset:path` metadata
 * names a template file of the assembly).
 * https://docs.aws.amazon.com/cdk/v2/guide/deploy.html#deploy-how-synth-assemblies
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { InputError } from '../../domain/errors.js';
import { decodeText } from '../text-file/decode-text.js';
import { jsonErrorWithLocation } from '../text-file/json-location.js';

export interface CdkStackTemplate {
  /** The template file, as the user can open it (under the `--cdk-out` folder). */
  readonly file: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's construct path (`App/Stage/Stack`), for the report. */
  readonly displayName: string;
  readonly text: string;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

async function readJsonFile(path: string, what: string): Promise<{ text: string; json: Json }> {
  let text: string;
  try {
    text = decodeText(await readFile(path), path);
  } catch (error: unknown) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  try {
    const json = record(JSON.parse(text));
    if (json === undefined) throw new InputError(`${path}: ${what} must be a JSON object`);
    return { text, json };
  } catch (error: unknown) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: ${what} is not valid JSON: ${jsonErrorWithLocation(error, text)}`, {
      cause: error,
    });
  }
}

/** A path inside the assembly folder, or an error: a manifest must not send the reader elsewhere. */
function inside(root: string, name: string, what: string): string {
  const path = resolve(root, name);
  if (path !== root && !path.startsWith(root + sep))
    throw new InputError(`${what} ${name} is outside the cloud assembly ${root}`);
  return path;
}

/** Every stack template of the assembly in `directory`, nested stacks included, in manifest order. */
export async function readCloudAssembly(directory: string, depth = 0): Promise<CdkStackTemplate[]> {
  if (depth > 10) throw new InputError(`${directory}: cloud assemblies nest deeper than 10 levels`);
  const root = resolve(directory);
  const display = (path: string): string => join(directory, relative(root, path));
  const { json: manifest } = await readJsonFile(join(root, 'manifest.json'), 'the cloud assembly manifest');
  const artifacts = record(manifest.artifacts) ?? {};
  const stacks: CdkStackTemplate[] = [];
  const assets = await assetTemplates(root, artifacts);
  for (const [id, raw] of Object.entries(artifacts)) {
    const artifact = record(raw);
    const properties = record(artifact?.properties) ?? {};
    if (artifact?.type === 'cdk:cloud-assembly' && typeof properties.directoryName === 'string') {
      stacks.push(
        ...(await readCloudAssembly(
          display(inside(root, properties.directoryName, 'the nested assembly')),
          depth + 1,
        )),
      );
      continue;
    }
    if (artifact?.type !== 'aws:cloudformation:stack' || typeof properties.templateFile !== 'string')
      continue;
    const stackName = typeof properties.stackName === 'string' ? properties.stackName : id;
    const displayName = typeof artifact.displayName === 'string' ? artifact.displayName : id;
    const path = inside(root, properties.templateFile, 'the template');
    const { text, json } = await readJsonFile(path, 'the stack template');
    stacks.push({ file: display(path), stackName, displayName, text });
    await addNested(root, display, assets, json, stackName, displayName, stacks, 0);
  }
  if (stacks.length === 0)
    throw new InputError(`${directory}: the cloud assembly has no stack (manifest.json lists none)`);
  return stacks;
}

/**
 * The asset object keys of the assembly's file assets → their file: a nested stack's `TemplateURL` names
 * the object its template is uploaded as (when the template lacks `aws:asset:path` metadata).
 */
async function assetTemplates(root: string, artifacts: Json): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const raw of Object.values(artifacts)) {
    const artifact = record(raw);
    const file = record(artifact?.properties)?.file;
    if (artifact?.type !== 'cdk:asset-manifest' || typeof file !== 'string') continue;
    const { json } = await readJsonFile(inside(root, file, 'the asset manifest'), 'the asset manifest');
    for (const asset of Object.values(record(json.files) ?? {})) {
      const source = record(record(asset)?.source);
      if (typeof source?.path !== 'string' || !source.path.endsWith('.json')) continue;
      for (const destination of Object.values(record(record(asset)?.destinations) ?? {})) {
        const key = record(destination)?.objectKey;
        if (typeof key === 'string') files.set(key, source.path);
      }
    }
  }
  return files;
}

/** The template file of a nested stack resource: its asset metadata, else the asset its TemplateURL names. */
function nestedTemplateFile(resource: Json, assets: ReadonlyMap<string, string>): string | undefined {
  const asset = record(resource.Metadata)?.['aws:asset:path'];
  if (typeof asset === 'string') return asset;
  const url = JSON.stringify(record(resource.Properties)?.TemplateURL ?? '');
  for (const [key, path] of assets) if (url.includes(key)) return path;
  return undefined;
}

async function addNested(
  root: string,
  display: (path: string) => string,
  assets: ReadonlyMap<string, string>,
  template: Json,
  parentName: string,
  parentDisplay: string,
  stacks: CdkStackTemplate[],
  depth: number,
): Promise<void> {
  if (depth > 10) return;
  for (const [logicalId, raw] of Object.entries(record(template.Resources) ?? {})) {
    const resource = record(raw);
    if (resource?.Type !== 'AWS::CloudFormation::Stack') continue;
    const asset = nestedTemplateFile(resource, assets);
    if (asset === undefined) continue;
    const path = inside(root, asset, 'the nested stack template');
    const { text, json } = await readJsonFile(path, 'the nested stack template');
    const stackName = `${parentName}-${logicalId}`;
    // The CDK names the resource `Parent/Child.NestedStack/Child.NestedStackResource`.
    const cdkPath = record(resource.Metadata)?.['aws:cdk:path'];
    const marker = typeof cdkPath === 'string' ? cdkPath.indexOf('.NestedStack/') : -1;
    const displayName =
      typeof cdkPath === 'string' && marker > 0 ? cdkPath.slice(0, marker) : `${parentDisplay}/${logicalId}`;
    stacks.push({ file: display(path), stackName, displayName, text });
    await addNested(root, display, assets, json, stackName, displayName, stacks, depth + 1);
  }
}
