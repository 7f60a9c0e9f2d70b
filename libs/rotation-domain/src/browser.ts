// The browser-safe part of the domain (no `node:` import anywhere below): the public API's
// request rules, the password policy, the scope parser and the schedule rule. The console
// imports this entry; services import the whole lib from ./index.
export * from './api-requests';
export * from './api-validation';
export * from './password/password-requirements';
export * from './scope';
export * from './schedule';
