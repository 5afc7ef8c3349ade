// Runs once, when the data volume is empty, as the root user of MONGO_INITDB_ROOT_*.
// One user per service, each with readWrite on its own database only: AUTH's user cannot read the
// sessions, the GSS's cannot read the signing keys or password hashes, the logger's neither.
const admin = db.getSiblingDB("admin");
for (const [service, database] of [["auth", "ot_auth"], ["gss", "ot_gss"], ["logger", "ot_logs"]]) {
  const password = process.env["OT_MONGO_" + service.toUpperCase() + "_PASSWORD"];
  if (!password) {
    throw new Error("OT_MONGO_" + service.toUpperCase() + "_PASSWORD is not set");
  }
  admin.createUser({ user: "ot-" + service, pwd: password, roles: [{ role: "readWrite", db: database }] });
}
