package config

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

func TestTemporalConnectionSettings(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		env  map[string]string
		want string
	}{
		"cert without key": {map[string]string{"TEMPORAL_TLS_CERT": "/x.pem"}, "TEMPORAL_TLS_CERT: want both"},
		"missing files":    {map[string]string{"TEMPORAL_TLS_CERT": "/nope.pem", "TEMPORAL_TLS_KEY": "/nope.key"}, "client certificate"},
		"missing CA":       {map[string]string{"TEMPORAL_TLS_CA": filepath.Join(dir, "none.pem")}, "TEMPORAL_TLS_CA"},
		"CA not PEM":       {map[string]string{"TEMPORAL_TLS_CA": notPEM}, "holds no PEM certificate"},
		"TLS not a bool":   {map[string]string{"TEMPORAL_TLS": "sometimes"}, "TEMPORAL_TLS"},
	} {
		if _, err := FromLookup(env(c.env)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
	plain, err := FromLookup(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if tc, _ := plain.Temporal.TLSConfig(); tc != nil {
		t.Error("TLS without any TLS setting")
	}
	cloud, err := FromLookup(env(map[string]string{"TEMPORAL_API_KEY": "k"}))
	if err != nil {
		t.Fatal(err)
	}
	if tc, _ := cloud.Temporal.TLSConfig(); tc == nil {
		t.Error("an API key without TLS (Temporal Cloud refuses it)")
	}
}

// TestTemporalClientOptionsReachASecuredCluster dials a Temporal frontend that wants TLS
// from its own CA, a client certificate and an API key, with the options the processes
// build from the environment, and checks what the server received.
func TestTemporalClientOptionsReachASecuredCluster(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := newCA(t)
	writePEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", ca.Raw)
	serverCert := issue(t, ca, caKey, "temporal.internal", false)
	clientCert := issue(t, ca, caKey, "onboard-worker", true)
	writePEM(t, filepath.Join(dir, "client.pem"), "CERTIFICATE", clientCert.Certificate[0])
	keyDER, err := x509.MarshalPKCS8PrivateKey(clientCert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, "client.key"), "PRIVATE KEY", keyDER)

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	fake := &fakeFrontend{}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})))
	workflowservice.RegisterWorkflowServiceServer(srv, fake)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Stop()

	cfg, err := FromLookup(env(map[string]string{
		"TEMPORAL_ADDRESS": ln.Addr().String(), "TEMPORAL_NAMESPACE": "acme.a1b2c",
		"TEMPORAL_API_KEY": "secret-api-key", "TEMPORAL_TLS_CA": filepath.Join(dir, "ca.pem"),
		"TEMPORAL_TLS_CERT": filepath.Join(dir, "client.pem"), "TEMPORAL_TLS_KEY": filepath.Join(dir, "client.key"),
		"TEMPORAL_TLS_SERVER_NAME": "temporal.internal",
	}))
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cfg.TemporalClientOptions(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		t.Fatalf("dial the secured frontend: %v", err)
	}
	defer c.Close()
	if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: opts.Namespace}); err == nil {
		t.Fatal("the fake frontend answered DescribeNamespace")
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.calls == 0 || fake.authorization != "Bearer secret-api-key" || fake.clientName != "onboard-worker" {
		t.Fatalf("the frontend saw %d calls, authorization %q, client certificate %q", fake.calls, fake.authorization, fake.clientName)
	}
}

// fakeFrontend answers GetSystemInfo (what dialing calls) and records who called.
type fakeFrontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
	mu            sync.Mutex
	calls         int
	authorization string
	clientName    string
}

func (f *fakeFrontend) GetSystemInfo(ctx context.Context, _ *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("authorization"); len(v) > 0 {
		f.authorization = v[0]
	}
	if p, ok := peer.FromContext(ctx); ok {
		if info, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(info.State.PeerCertificates) > 0 {
			f.clientName = info.State.PeerCertificates[0].Subject.CommonName
		}
	}
	return &workflowservice.GetSystemInfoResponse{}, nil
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string, forClient bool) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	usage := x509.ExtKeyUsageServerAuth
	if forClient {
		usage = x509.ExtKeyUsageClientAuth
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
