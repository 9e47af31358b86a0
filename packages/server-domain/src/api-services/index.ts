// API services (the API node, apps/api-node): what the studio, which creates them, and the API
// node, which serves them, must agree on: how keys are made and checked, the NOTIFY channel, the
// node's admin token, and the one query that loads every deployment.
export {
  API_CHANGE_CHANNEL,
  API_SERVICE_KEY_PREFIX,
  apiNodeAdminToken,
  hashServiceKey,
  newServiceKey,
  SERVICE_NAME_PATTERN,
} from "./keys.ts";
export {
  type ApiSnapshot,
  type DeployedVersion,
  loadApiSnapshot,
  type ServedEndpoint,
  type ServedService,
} from "./snapshot.ts";
