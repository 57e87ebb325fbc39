package axon

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the axon's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bittensor_axon_requests_total",
			Help: "Requests answered by the axon, by synapse (\"unknown\" for unserved names) and HTTP status.",
		}, []string{"synapse", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bittensor_axon_request_duration_seconds",
			Help:    "Time from request headers read to answer written, by synapse.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 12},
		}, []string{"synapse"}),
	}
	m.reg.MustRegister(m.requests, m.latency,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(name string, status int, d time.Duration) {
	m.requests.WithLabelValues(name, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(name).Observe(d.Seconds())
}

// MetricsHandler returns an http.Handler serving the axon's metrics in
// Prometheus' text format: bittensor_axon_requests_total{synapse,status},
// bittensor_axon_request_duration_seconds{synapse}, and Go runtime and
// process metrics.
func (a *Axon) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{})
}

// Gatherer returns the axon's metrics registry, for tests and embedding.
func (a *Axon) Gatherer() prometheus.Gatherer { return a.metrics.reg }
