// Runs once, when the data volume is empty, as the root user of MONGO_INITDB_ROOT_*.
const admin = db.getSiblingDB("admin");
admin.createUser({
  user: "ot",
  pwd: process.env.OT_MONGO_APP_PASSWORD,
  roles: [
    { role: "readWrite", db: "ot_auth" },
    { role: "readWrite", db: "ot_gss" },
    { role: "readWrite", db: "ot_logs" }
  ]
});
