/**
 * `--all-regions`: the regions enabled for the account, from EC2's `DescribeRegions`, which without
 * `AllRegions` "describes the Regions that are enabled for your account"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html). A region whose
 * `OptInStatus` is `not-opted-in` is left out as well (moto lists them all). This is the CLI's own call,
 * made with its user's credentials (ec2:DescribeRegions), never by the deployed auditor; it is loaded only
 * with `--all-regions`.
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { InputError } from '../domain/errors.js';

export async function enabledRegions(options: { readonly profile?: string }): Promise<readonly string[]> {
  const ec2 = new EC2Client({
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    retryMode: 'adaptive',
  });
  try {
    const answer = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
    const regions = (answer.Regions ?? [])
      .filter((region) => region.OptInStatus !== 'not-opted-in')
      .flatMap((region) => (region.RegionName ? [region.RegionName] : []))
      .sort();
    if (regions.length === 0) throw new InputError('--all-regions: DescribeRegions named no enabled region');
    return regions;
  } catch (error: unknown) {
    if (error instanceof InputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `--all-regions: cannot list the account's enabled regions (ec2:DescribeRegions): ${message}`,
      { cause: error },
    );
  } finally {
    ec2.destroy();
  }
}
