import { BlockedAddressError, type OutboundRequestRefused } from '../infra/outbound-refusals.js';
import { AppError } from './errors.js';

/**
 * What a viewer or admin is told when we refused an outbound OAuth request ourselves (checklist F11):
 * PROVIDER_MISCONFIGURED, because only an admin can fix it and retrying will not help. The message
 * names neither the address nor anything secret; the log line carries `refusal.reason`.
 */
export function providerRefusal(refusal: OutboundRequestRefused, providerName: string): AppError {
  const why =
    refusal instanceof BlockedAddressError
      ? `the ${providerName} host resolves to a private or otherwise non-public network address, which is never contacted`
      : `the ${providerName} OAuth endpoint answered with a redirect, which is never followed`;
  const error = new AppError('PROVIDER_MISCONFIGURED', `The data source cannot be used: ${why}. Ask an admin to check its host.`);
  // Kept as the cause so a caller further up (a refresh that needed discovery) still sees the refusal.
  error.cause = refusal;
  return error;
}
