package devstack

import (
	"fmt"
	"net"
	"strconv"
)

// PortInUseError is returned (possibly wrapped) when a requested port is
// already taken. Its message names the environment variable that chooses
// the port, e.g. "port 5433 is already in use: set ONBOARD_DEV_PG_PORT to a
// free port".
type PortInUseError struct {
	Port int    // the port that is taken
	Env  string // the environment variable that sets it, may be empty
}

// Error implements error.
func (e *PortInUseError) Error() string {
	if e.Env == "" {
		return fmt.Sprintf("port %d is already in use: choose a free port", e.Port)
	}
	return fmt.Sprintf("port %d is already in use: set %s to a free port", e.Port, e.Env)
}

// freePort returns a TCP port on ip that was free a moment ago.
func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("finding a free port on %s: %w", ip, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// checkPortFree returns a *PortInUseError naming envName when ip:port
// cannot be listened on.
func checkPortFree(ip string, port int, envName string) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return &PortInUseError{Port: port, Env: envName}
	}
	return l.Close()
}

// resolvePort returns port if it is free, or a free port when port is 0.
func resolvePort(ip string, port int, envName string) (int, error) {
	if port == 0 {
		return freePort(ip)
	}
	if port < 0 || port > 65535 {
		return 0, fmt.Errorf("invalid port %d (check %s)", port, envName)
	}
	return port, checkPortFree(ip, port, envName)
}
