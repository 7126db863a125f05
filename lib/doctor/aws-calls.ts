/** One AWS call of a check, its fault turned into a failed check with the fix. */
import { AwsFault, awsFault } from './aws';
import { Check, fail } from './model';

export type Called<T> = { readonly value: T; readonly fault?: undefined } | { readonly fault: AwsFault };

/** Runs an AWS call; a fault is returned, never thrown. */
export async function call<T>(fn: () => Promise<T>): Promise<Called<T>> {
  try {
    return { value: await fn() };
  } catch (e) {
    return { fault: awsFault(e) };
  }
}

/**
 * The failed check of a fault: for "not found", `notFoundFix`; for access denied, the permission
 * to add; for throttling, try again with less concurrency; for an unreachable endpoint, the network.
 *
 * @param action the IAM action of the call, `iam:GetRole`
 */
export function faultCheck(name: string, action: string, fault: AwsFault, notFoundFix?: string): Check {
  const detail = `${fault.name}: ${fault.message}`;
  switch (fault.kind) {
    case 'not-found':
      return fail(name, notFoundFix ?? 'create it, or correct the config', fault.name);
    case 'access-denied':
      return fail(
        name,
        `allow ${action} to the identity the doctor runs as (the README's "doctor" section lists the read-only actions it calls)`,
        detail,
      );
    case 'throttled':
      return fail(
        name,
        `AWS throttled ${action} past the retries: run the doctor again with a lower --concurrency`,
        detail,
      );
    case 'unreachable':
      return fail(
        name,
        `cannot reach the ${action.split(':')[0]} endpoint: check the network, HTTPS_PROXY or the VPC endpoint`,
        detail,
      );
    default:
      return fail(name, `${action} failed; correct what AWS says and run the doctor again`, detail);
  }
}
