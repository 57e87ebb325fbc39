package signedhttp

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are a Guard's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	ok       prometheus.Counter // requests{result="ok"}, looked up once
	inFlight prometheus.Gauge
}

func newMetrics(protocol string) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name:        "bittensor_signedhttp_requests_total",
			Help:        "Requests seen by the guard, by result: ok, or the refusal's class (MalformedAuth, StaleRequest, Forbidden, …).",
			ConstLabels: prometheus.Labels{"protocol": protocol},
		}, []string{"result"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name:        "bittensor_signedhttp_in_flight",
			Help:        "Requests past the cheap checks: reading their body, being verified or handled.",
			ConstLabels: prometheus.Labels{"protocol": protocol},
		}),
	}
	m.reg.MustRegister(m.requests, m.inFlight)
	m.ok = m.requests.WithLabelValues("ok")
	return m
}

// MetricsHandler returns an http.Handler serving the guard's metrics in
// Prometheus' text format: bittensor_signedhttp_requests_total{protocol,
// result} and bittensor_signedhttp_in_flight{protocol}.
func (g *Guard) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(g.metrics.reg, promhttp.HandlerOpts{})
}

// Gatherer returns the guard's metrics registry, for tests and for merging
// into another registry.
func (g *Guard) Gatherer() prometheus.Gatherer { return g.metrics.reg }
