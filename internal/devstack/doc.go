// Package devstack runs the local infrastructure that `onboard dev` and the
// tests of other packages need: a PostgreSQL cluster started from the
// machine's installed server binaries (StartPostgres) and an embedded
// Temporal server on SQLite together with the Temporal Web UI
// (StartTemporal).
//
// It is the only package of the project that imports go.temporal.io/server
// and github.com/temporalio/ui-server/v2; everything else talks to Temporal
// through the SDK, using Temporal.Address.
package devstack
