package devstack

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"
)

// clusterName is the name of the single local cluster.
const clusterName = "active"

// newTemporalServer prepares the SQLite database and builds the server.
func newTemporalServer(o TemporalOptions, ports temporalPorts, level slog.Leveler) (temporal.Server, error) {
	sqlConf, err := prepareSQLite(o)
	if err != nil {
		return nil, err
	}
	conf := serverConfig(o, ports, sqlConf)
	logger := newServerLogger(o.Logger, level)
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("claim mapper: %w", err)
	}
	return temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(staticHosts(o.IP, ports)),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicConfig(o)),
	)
}

// staticHosts tells every service where the others are (no gossip ring).
func staticHosts(ip string, p temporalPorts) map[primitives.ServiceName]static.Hosts {
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: static.SingleLocalHost(hostPort(ip, p.frontend)),
		primitives.HistoryService:  static.SingleLocalHost(hostPort(ip, p.history)),
		primitives.MatchingService: static.SingleLocalHost(hostPort(ip, p.matching)),
		primitives.WorkerService:   static.SingleLocalHost(hostPort(ip, p.worker)),
	}
}

// dynamicConfig is what a dev server needs; every key is a typed setting of
// server v1.32, so a key that disappears breaks the build, not the server.
func dynamicConfig(o TemporalOptions) dynamicconfig.StaticClient {
	dc := dynamicconfig.StaticClient{
		// Search attributes and Nexus endpoints usable right after creation.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
		dynamicconfig.ForceNexusEndpointRefreshOnRead.Key():         true,
		// Without the SA cache every read hits the DB: raise the limits
		// (same ratio as the defaults, as the Temporal CLI does).
		dynamicconfig.FrontendPersistenceMaxQPS.Key(): 10000,
		dynamicconfig.HistoryPersistenceMaxQPS.Key():  45000,
		// Workflow Update, also waiting for the Accepted stage.
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
		// Worker versioning APIs (versioning v3 deployments are on by default).
		dynamicconfig.FrontendEnableWorkerVersioningDataAPIs.Key():     true,
		dynamicconfig.FrontendEnableWorkerVersioningWorkflowAPIs.Key(): true,
		dynamicconfig.FrontendEnableWorkerVersioningRuleAPIs.Key():     true,
		// The Web UI lists workflows a lot.
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		// Bound the mutable-state cache (default 128k entries) for a laptop: each entry is
		// 11-13 KB and stays until the cache needs room. 2,048 entries (about 25 MB) keep
		// every workflow a load run touches; measured, 16,384 let the heap grow for hours.
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key(): 2048,
	}
	if o.SuggestContinueAsNewAfter > 0 {
		dc[dynamicconfig.HistoryCountSuggestContinueAsNew.Key()] = o.SuggestContinueAsNewAfter
	}
	return dc
}

// serverConfig builds the static server configuration.
func serverConfig(o TemporalOptions, p temporalPorts, sqlConf *config.SQL) *config.Config {
	frontend := hostPort(o.IP, p.frontend)
	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = o.IP
	conf.Persistence.DefaultStore = "sqlite-default"
	conf.Persistence.VisibilityStore = "sqlite-default"
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite-default": {SQL: sqlConf}}
	conf.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{clusterName: {
			Enabled:                true,
			InitialFailoverVersion: 1,
			RPCAddress:             frontend,
			HTTPAddress:            hostPort(o.IP, p.frontendHTTP),
		}},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{
		"frontend": serviceConfig(o.IP, p.frontend, p.frontendHTTP),
		"history":  serviceConfig(o.IP, p.history, 0),
		"matching": serviceConfig(o.IP, p.matching, 0),
		"worker":   serviceConfig(o.IP, p.worker, 0),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return &conf
}

func serviceConfig(ip string, grpcPort, httpPort int) config.Service {
	var s config.Service
	s.RPC.GRPCPort = grpcPort
	s.RPC.HTTPPort = httpPort
	s.RPC.BindOnIP = ip
	return s
}

// prepareSQLite returns the SQLite persistence config, creating the schema
// in a new file and the namespace when missing. A namespace created here
// already has o.Retention; for an existing one it is applied through the API
// after start (see Temporal.setup). Search attributes are the application's
// to register (worker.EnsureSearchAttributes); the SQLite schema has a fixed
// number of slots per type (10 Keyword, 3 Datetime, 3 Int, 3 Double, 3 Bool,
// 3 Text, 3 KeywordList).
func prepareSQLite(o TemporalOptions) (*config.SQL, error) {
	conf := &config.SQL{PluginName: sqliteplugin.PluginName}
	if o.DBFile == "" {
		conf.DatabaseName = "devstack-" + strconv.FormatUint(rand.Uint64(), 36)
		conf.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
	} else {
		abs, err := filepath.Abs(o.DBFile)
		if err != nil {
			return nil, err
		}
		conf.DatabaseName = abs
		conf.ConnectAttributes = map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "1"}
		if err := ensureSchema(conf); err != nil {
			return nil, err
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, o.Namespace, false, nil)
	if err != nil {
		return nil, fmt.Errorf("namespace %q: %w", o.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(o.Retention)
	if err := sqliteschema.CreateNamespaces(conf, ns); err != nil {
		return nil, fmt.Errorf("creating namespace %q: %w", o.Namespace, err)
	}
	return conf, nil
}

// ensureSchema creates the schema when the database file does not exist.
func ensureSchema(conf *config.SQL) error {
	_, err := os.Stat(conf.DatabaseName)
	if err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(conf.DatabaseName), 0o755); err != nil {
		return err
	}
	if err := sqliteschema.SetupSchema(conf); err != nil {
		_ = os.Remove(conf.DatabaseName)
		return fmt.Errorf("creating the schema in %s: %w", conf.DatabaseName, err)
	}
	return nil
}
