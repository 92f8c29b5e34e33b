// Package metrics exposes Onboard's Prometheus metrics: HTTP requests by route and
// status with their durations, and the Temporal SDK's own metrics through a
// client.MetricsHandler adapter.
package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
)

// Registry holds every metric of one process.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// New returns a registry with the Go runtime, process and HTTP metrics registered.
func New() *Registry {
	reg := prometheus.NewRegistry()
	r := &Registry{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "onboard_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "onboard_http_request_duration_seconds", Help: "HTTP request durations by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(r.requests, r.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// ObserveHTTP records one request.
func (r *Registry) ObserveHTTP(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	r.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	r.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// Handler serves the metrics in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// sdkTags are the tags the Temporal SDK attaches; others are dropped so every
// Prometheus series of a metric has the same label names.
var sdkTags = []string{"namespace", "task_queue", "workflow_type", "activity_type", "operation",
	"worker_type", "poller_type", "client_name", "failure_reason", "cause", "status_code"}

// Temporal returns a metrics handler for the Temporal SDK client and workers.
func (r *Registry) Temporal() client.MetricsHandler {
	return &sdkHandler{root: &sdkRoot{reg: r.reg, vecs: map[string]prometheus.Collector{}}}
}

type sdkRoot struct {
	reg  *prometheus.Registry
	mu   sync.Mutex
	vecs map[string]prometheus.Collector
}

type sdkHandler struct {
	root *sdkRoot
	tags map[string]string
}

func (h *sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	return &sdkHandler{root: h.root, tags: merged}
}

func (h *sdkHandler) labels() prometheus.Labels {
	l := prometheus.Labels{}
	for _, k := range sdkTags {
		l[k] = h.tags[k]
	}
	return l
}

func (h *sdkHandler) Counter(name string) client.MetricsCounter {
	vec := h.root.vec(name, func(n string) prometheus.Collector {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: n, Help: "Temporal SDK counter."}, sdkTags)
	}).(*prometheus.CounterVec)
	c := vec.With(h.labels())
	return counterFunc(func(d int64) { c.Add(float64(d)) })
}

func (h *sdkHandler) Gauge(name string) client.MetricsGauge {
	vec := h.root.vec(name, func(n string) prometheus.Collector {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: n, Help: "Temporal SDK gauge."}, sdkTags)
	}).(*prometheus.GaugeVec)
	g := vec.With(h.labels())
	return gaugeFunc(g.Set)
}

func (h *sdkHandler) Timer(name string) client.MetricsTimer {
	vec := h.root.vec(name+"_seconds", func(n string) prometheus.Collector {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: n, Help: "Temporal SDK timer.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)}, sdkTags)
	}).(*prometheus.HistogramVec)
	o := vec.With(h.labels())
	return timerFunc(func(d time.Duration) { o.Observe(d.Seconds()) })
}

// vec returns the collector for a metric name, creating and registering it once.
func (r *sdkRoot) vec(name string, create func(string) prometheus.Collector) prometheus.Collector {
	name = strings.ReplaceAll(name, ".", "_")
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.vecs[name]; ok {
		return c
	}
	c := create(name)
	if err := r.reg.Register(c); err != nil {
		if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
			c = are.ExistingCollector
		}
	}
	r.vecs[name] = c
	return c
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }
