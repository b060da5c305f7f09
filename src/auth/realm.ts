/** The realm of ganeti-rapi's HTTP authentication, fixed in its source and part of every {HA1} hash. */
export const RAPI_REALM = "Ganeti Remote API";
