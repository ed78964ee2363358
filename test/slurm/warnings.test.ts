import { afterAll, describe, expect, it } from 'vitest';

import { supportedApiVersions } from '../../src/slurm/adapters/index.js';
import { SlurmApiError } from '../../src/slurm/errors.js';
import type { SlurmClient, SlurmWarning } from '../../src/slurm/types.js';
import { requiredClusters } from '../helpers/clusters.js';
import { batchJob, clientFor, waitForJob } from './helpers.js';

const clusters = requiredClusters();
const clients: SlurmClient[] = [];
const unknownField = { gha_slurm_unknown_field: 1 };

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

const cases = clusters.flatMap((info) =>
  info.apiVersions.filter((version) => supportedApiVersions.includes(version)).map((apiVersion) => ({ info, apiVersion })),
);

describe.each(cases.filter(({ apiVersion }) => apiVersion !== 'v0.0.38'))('$info.name with $apiVersion', ({ info, apiVersion }) => {
  it('returns the warning for an unknown field', async () => {
    const reported: SlurmWarning[] = [];
    const client = clientFor(info, { apiVersion }, { onWarning: (event) => reported.push(event.warning) }, { extraJobFields: unknownField });
    clients.push(client);

    const { jobId, warnings } = await client.submit('ci-alice', batchJob(info, 'true'));
    await waitForJob(client, 'ci-alice', jobId);

    expect(warnings.map((warning) => warning.description).join('\n')).toContain('gha_slurm_unknown_field');
    expect(reported).toEqual(warnings);
  });
});

describe.each(cases.filter(({ apiVersion }) => apiVersion === 'v0.0.38'))('$info.name with $apiVersion', ({ info, apiVersion }) => {
  it('rejects a body with an unknown field', async () => {
    const client = clientFor(info, { apiVersion }, {}, { extraJobFields: unknownField });
    clients.push(client);

    const error = await client.submit('ci-alice', batchJob(info, 'true')).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(SlurmApiError);
    expect((error as SlurmApiError).status).toBe(400);
  });
});
