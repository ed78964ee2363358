#!/usr/bin/env node
// Proves that the running local clusters accept work through slurmrestd.
// For each one, it signs a JWT for the first job user and submits a batch job
// with the newest API version the cluster serves. It then waits for the job to
// complete and reads the file the job wrote, through the cluster's rootDir.
// Run as root (to read the keys) after `npm run slurm:up`.
// Usage: node scripts/slurm/check.mjs [22.05|24.11|26.05]...   (default: every running cluster)
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = process.env.GHA_SLURM_CACHE || join(repoDir, '.cache', 'slurm');
const jobTimeoutMs = 90_000;

function signToken(keyFile, user, ttlSeconds = 300) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sun: user, iat: now, exp: now + ttlSeconds })}`;
  const signature = createHmac('sha256', readFileSync(keyFile)).update(body).digest('base64url');

  return `${body}.${signature}`;
}

/** Builds a submit body in the shape of the API version: v0.0.38 differs from v0.0.40 and later. */
function submitBody(apiVersion, script, directory) {
  const job = { name: 'gha-slurm-check', current_working_directory: directory };
  if (apiVersion === 'v0.0.38') {
    return { script, job: { ...job, environment: { PATH: '/usr/bin:/bin' } } };
  }

  return { job: { ...job, script, environment: ['PATH=/usr/bin:/bin'] } };
}

async function callSlurm(cluster, user, method, path, body) {
  const headers = { 'X-SLURM-USER-NAME': user, 'X-SLURM-USER-TOKEN': signToken(cluster.jwtKeyFile, user) };
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${cluster.url}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${cluster.url}${path} failed with HTTP ${response.status}: ${text.slice(0, 500)}`);

  return JSON.parse(text);
}

function baseState(job) {
  return Array.isArray(job.job_state) ? job.job_state[0] : job.job_state;
}

async function waitForEnd(cluster, user, apiVersion, jobId) {
  const deadline = Date.now() + jobTimeoutMs;
  let state = 'unknown';
  while (Date.now() < deadline) {
    const reply = await callSlurm(cluster, user, 'GET', `/slurm/${apiVersion}/job/${jobId}`);
    state = baseState(reply.jobs?.[0] ?? {}) ?? 'unknown';
    if (!['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`job ${jobId} on ${cluster.name} is still ${state} after ${jobTimeoutMs / 1000}s; see ${cluster.logDir}`);
}

async function checkCluster(cluster) {
  const user = cluster.users[0];
  const apiVersion = cluster.apiVersions.at(-1);
  const directory = `/tmp/gha-slurm-check-${randomUUID()}`;
  const hostDirectory = join(cluster.rootDir, directory);
  mkdirSync(hostDirectory, { recursive: true });
  chmodSync(hostDirectory, 0o777);
  try {
    const script = '#!/bin/bash\nid -un > result.txt\ncurl --version | head -n 1 >> result.txt\n';
    const reply = await callSlurm(cluster, user, 'POST', `/slurm/${apiVersion}/job/submit`, submitBody(apiVersion, script, directory));
    if (reply.errors?.length) throw new Error(`submit on ${cluster.name} returned errors: ${JSON.stringify(reply.errors)}`);

    const state = await waitForEnd(cluster, user, apiVersion, reply.job_id);
    const output = readFileSync(join(hostDirectory, 'result.txt'), 'utf8').split('\n');
    if (state !== 'COMPLETED' || output[0] !== user || !output[1]?.startsWith('curl ')) {
      throw new Error(`job ${reply.job_id} on ${cluster.name} ended ${state} with output ${JSON.stringify(output)}; expected COMPLETED, ${user} and a curl version`);
    }
    console.log(`ok ${cluster.name} (Slurm ${cluster.release}, ${apiVersion}): job ${reply.job_id} ran as ${user}`);
  } finally {
    rmSync(hostDirectory, { recursive: true, force: true });
  }
}

function selectClusters(versions) {
  const available = existsSync(cacheDir) ? readdirSync(cacheDir).filter((entry) => existsSync(join(cacheDir, entry, 'cluster.json'))) : [];
  const requested = versions.length > 0 ? versions : available.sort();
  if (requested.length === 0) throw new Error(`no running cluster in ${cacheDir}; start them with 'npm run slurm:up' as root`);

  return requested.map((version) => {
    const file = join(cacheDir, version, 'cluster.json');
    if (!existsSync(file)) throw new Error(`Slurm ${version} is not running (${file} is missing); start it with 'npm run slurm:up -- ${version}' as root`);
    return JSON.parse(readFileSync(file, 'utf8'));
  });
}

let failures = 0;
for (const cluster of selectClusters(process.argv.slice(2))) {
  try {
    await checkCluster(cluster);
  } catch (error) {
    failures += 1;
    console.error(`FAILED ${cluster.name}: ${error.message}`);
  }
}
process.exitCode = failures > 0 ? 1 : 0;
