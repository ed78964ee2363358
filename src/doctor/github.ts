import type { Config } from '../config/types.js';
import { GitHubError } from '../github/errors.js';

import { messageOf, withTimeout } from './timeout.js';
import type { CheckResult, DoctorDependencies } from './types.js';

const appCheck = 'GitHub App credentials';
const installationsCheck = 'GitHub App installations';

/** Checks the App id and private key (`GET /app`) and that the App is installed somewhere. */
export async function checkGitHub(config: Config, dependencies: DoctorDependencies, timeoutMs: number): Promise<CheckResult[]> {
  try {
    const identity = await withTimeout(dependencies.verifyGitHubApp(), timeoutMs);
    const app: CheckResult = {
      name: appCheck,
      status: 'OK',
      detail: `app ${config.github.appId} is "${identity.name}" (${identity.slug}) at ${config.github.apiUrl}`,
    };
    if (identity.installations.length === 0) {
      return [
        app,
        {
          name: installationsCheck,
          status: 'FAIL',
          detail: 'the App is not installed on any account',
          fix: `install the App (https://github.com/apps/${identity.slug}) on the organisations or repositories that use the runners`,
        },
      ];
    }
    const accounts = identity.installations.map((installation) => installation.account).join(', ');
    return [app, { name: installationsCheck, status: 'OK', detail: `${identity.installations.length} installation(s): ${accounts}` }];
  } catch (error) {
    return gitHubFailure(config, error);
  }
}

function gitHubFailure(config: Config, error: unknown): CheckResult[] {
  const detail = messageOf(error);
  if (error instanceof GitHubError && error.operation === 'listInstallations') {
    return [
      { name: appCheck, status: 'OK', detail: `app ${config.github.appId} authenticated` },
      { name: installationsCheck, status: 'FAIL', detail, fix: 'check the App settings on GitHub, then run doctor again' },
    ];
  }

  const status = error instanceof GitHubError ? error.status : undefined;
  const fix =
    status === 401
      ? 'github.appId or github.privateKey is wrong: compare the App id on the App settings page and generate a new private key there'
      : status === undefined
        ? `check that ${config.github.apiUrl} (github.apiUrl) is reachable from this host, through the proxy if there is one`
        : `check github.apiUrl (${config.github.apiUrl}) and the App settings`;
  return [
    { name: appCheck, status: 'FAIL', detail, fix },
    { name: installationsCheck, status: 'SKIP', detail: 'the App credentials failed' },
  ];
}
