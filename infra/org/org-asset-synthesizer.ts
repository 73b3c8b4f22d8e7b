/**
 * The synthesizer of the member templates of an organization deployment (CloudFormation StackSets with
 * service-managed permissions). A StackSet instance is created by CloudFormation in each member account,
 * where no `cdk bootstrap` ran: the template may name no bootstrap bucket, no bootstrap version parameter,
 * no role of the deploying account. So file assets (the handler bundles) are placed, by content hash, in
 * one bucket per region that the organization may read (`<prefix>-<region>`, OrgAssetsStack), and the
 * template names them with `${AWS::Region}`, so the same template works in every member account and region.
 *
 * The assets to upload are listed beside the template (`<artifact>.org-assets.json`: the staged folder in
 * cdk.out and the object key); `scripts/org-package.ts` zips them and says what to copy where.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Aws,
  type DockerImageAssetLocation,
  type FileAssetLocation,
  FileAssetPackaging,
  type FileAssetSource,
  type ISynthesisSession,
  StackSynthesizer,
} from 'aws-cdk-lib';

/** Where the member templates' assets live: `<bucketPrefix>-<region>`, under `ORG_ASSET_KEY_PREFIX`. */
export const ORG_ASSET_KEY_PREFIX = 'lambda-role-audit/assets/';
/** Where the member templates themselves are put for the StackSets (`TemplateURL`). */
export const ORG_TEMPLATE_KEY_PREFIX = 'lambda-role-audit/templates/';

export interface OrgAsset {
  /** The staged asset in the cloud assembly (a folder for a bundle), relative to the assembly folder. */
  readonly source: string;
  readonly packaging: 'zip' | 'file';
  readonly objectKey: string;
}

export interface OrgAssetManifest {
  readonly template: string;
  readonly bucketPrefix: string;
  readonly assets: readonly OrgAsset[];
}

export function orgAssetBucketName(prefix: string, region: string): string {
  return `${prefix}-${region}`;
}

export class OrgAssetSynthesizer extends StackSynthesizer {
  private readonly assets = new Map<string, OrgAsset>();

  constructor(private readonly bucketPrefix: string) {
    super();
  }

  addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (asset.fileName === undefined) {
      throw new Error('an organization deployment takes file assets only (no executable assets)');
    }
    const zip = asset.packaging === FileAssetPackaging.ZIP_DIRECTORY;
    const objectKey = `${ORG_ASSET_KEY_PREFIX}${asset.sourceHash}${zip ? '.zip' : ''}`;
    this.assets.set(asset.sourceHash, { source: asset.fileName, packaging: zip ? 'zip' : 'file', objectKey });
    // The region of the stack instance, resolved by CloudFormation in each member account.
    const bucketName = orgAssetBucketName(this.bucketPrefix, Aws.REGION);
    return {
      bucketName,
      objectKey,
      httpUrl: `https://${bucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}/${objectKey}`,
      s3ObjectUrl: `s3://${bucketName}/${objectKey}`,
    };
  }

  addDockerImageAsset(_asset: unknown): DockerImageAssetLocation {
    throw new Error('an organization deployment takes no container image assets');
  }

  synthesize(session: ISynthesisSession): void {
    const stack = this.boundStack;
    this.synthesizeTemplate(session);
    this.emitArtifact(session);
    const manifest: OrgAssetManifest = {
      template: stack.templateFile,
      bucketPrefix: this.bucketPrefix,
      assets: [...this.assets.values()],
    };
    writeFileSync(
      join(session.outdir, `${stack.artifactId}.org-assets.json`),
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
  }
}
