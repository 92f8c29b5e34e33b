package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

// TemporalConnection is how the processes reach Temporal beyond its address and
// namespace: plain gRPC (the dev server, a cluster on a private network), TLS, mutual TLS
// with a client certificate, or Temporal Cloud's API keys (which need TLS).
type TemporalConnection struct {
	// TLS turns on TLS with the system's root certificates (TEMPORAL_TLS). Setting an API
	// key, a client certificate or a CA turns it on too.
	TLS bool
	// APIKey is sent as a bearer token with every call (TEMPORAL_API_KEY), as Temporal
	// Cloud's API keys are.
	APIKey string
	// CertFile and KeyFile are a client certificate and its key in PEM files, for mutual
	// TLS (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY).
	CertFile, KeyFile string
	// CAFile is a PEM bundle of the certificates the server's is checked against instead
	// of the system's (TEMPORAL_TLS_CA), for a self-hosted cluster with its own CA.
	CAFile string
	// ServerName overrides the name the server's certificate must carry
	// (TEMPORAL_TLS_SERVER_NAME), when it differs from TEMPORAL_ADDRESS's host.
	ServerName string
}

// secured reports whether the connection uses TLS.
func (t TemporalConnection) secured() bool {
	return t.TLS || t.APIKey != "" || t.CertFile != "" || t.CAFile != "" || t.ServerName != ""
}

// TLSConfig is the TLS configuration of the connection, nil for plain gRPC. It reads the
// certificate files, and says which one when it cannot.
func (t TemporalConnection) TLSConfig() (*tls.Config, error) {
	if !t.secured() {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA: %s holds no PEM certificate", t.CAFile)
		}
		c.RootCAs = pool
	}
	return c, nil
}

// TemporalClientOptions are the options every Temporal client of the processes dials
// with: address, namespace, TLS and credentials, and log through log.
func (c Config) TemporalClientOptions(log *slog.Logger) (client.Options, error) {
	tlsConfig, err := c.Temporal.TLSConfig()
	if err != nil {
		return client.Options{}, err
	}
	o := client.Options{HostPort: c.TemporalAddress, Namespace: c.TemporalNamespace,
		ConnectionOptions: client.ConnectionOptions{TLS: tlsConfig},
		Logger:            sdklog.NewStructuredLogger(log.With("component", "temporal"))}
	if c.Temporal.APIKey != "" {
		o.Credentials = client.NewAPIKeyStaticCredentials(c.Temporal.APIKey)
	}
	return o, nil
}
