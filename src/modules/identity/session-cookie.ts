/** The browser session's cookie; `__Host-` when served over HTTPS (no Domain, Path=/, Secure). */
export const SESSION_COOKIE = 'passerelle_session';
export const sessionCookieName = (secure: boolean) => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);
