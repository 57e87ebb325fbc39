package rpc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBackoff: waits double from min up to max and stay within the upper
// half of their nominal value.
func TestBackoff(t *testing.T) {
	min, max := 100*time.Millisecond, 5*time.Second
	tests := []struct {
		attempt int
		nominal time.Duration
	}{
		{0, 100 * time.Millisecond},
		{1, 200 * time.Millisecond},
		{3, 800 * time.Millisecond},
		{6, 5 * time.Second}, // 6.4 s capped
		{40, 5 * time.Second},
		{1000, 5 * time.Second},
	}
	for _, tt := range tests {
		for range 200 {
			d := backoff(tt.attempt, min, max)
			if d < tt.nominal/2 || d > tt.nominal {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", tt.attempt, d, tt.nominal/2, tt.nominal)
			}
		}
	}
}

// TestSubscriptionBuffer: a full buffer drops its oldest notification and
// marks the next one read; the marks of a reconnect and an overflow combine;
// an ended subscription drains, then reports why.
func TestSubscriptionBuffer(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		push  int
		gap   bool // a reconnect happened before the first push
		want  []string
	}{
		{"fits", 3, 3, false, []string{"1:none", "2:none", "3:none"}},
		{"overflow", 3, 5, false, []string{"3:overflow", "4:none", "5:none"}},
		{"reconnect", 3, 2, true, []string{"1:reconnect", "2:none"}},
		{"reconnect then overflow", 2, 3, true, []string{"2:reconnect+overflow", "3:none"}},
		{"one slot", 1, 4, false, []string{"4:overflow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Subscription{method: "m", wake: make(chan struct{}, 1), done: make(chan struct{}), limit: tt.limit}
			if tt.gap {
				s.addGap(GapReconnect)
			}
			for i := 1; i <= tt.push; i++ {
				s.push(json.RawMessage(fmt.Sprint(i)))
			}
			s.end(ErrUnsubscribed)
			var got []string
			for {
				n, err := s.Next(t.Context())
				if err != nil {
					if !errors.Is(err, ErrUnsubscribed) {
						t.Fatalf("end: %v", err)
					}
					break
				}
				got = append(got, string(n.Result)+":"+n.Gap.String())
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("read %v, want %v", got, tt.want)
			}
		})
	}
	if g := GapReconnect | GapOverflow; g.String() != "reconnect+overflow" {
		t.Fatalf("both gaps: %q", g)
	}
}

// TestSubID: string and number ids become map keys; anything else is refused.
func TestSubID(t *testing.T) {
	for raw, want := range map[string]string{
		`"abc"`: "abc", `"0x1f"`: "0x1f", `17`: "17", ` "x" `: "x",
		`null`: "", `{}`: "", `-1`: "", `1.5`: "", `"`: "",
	} {
		if got := subID(json.RawMessage(raw)); got != want {
			t.Errorf("subID(%s) = %q, want %q", raw, got, want)
		}
	}
}

// TestErrorText: the node's error reads as a sentence with its code, message
// and data.
func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Method: "m", Code: -32601, Message: "Method not found"}, "rpc: m: node answered error -32601: Method not found"},
		{&Error{Method: "author_submitExtrinsic", Code: 1010, Message: "Invalid Transaction", Data: json.RawMessage(`"Inability to pay some fees"`)},
			"rpc: author_submitExtrinsic: node answered error 1010: Invalid Transaction: Inability to pay some fees"},
		{&Error{Method: "m", Code: 1, Message: "x", Data: json.RawMessage(`{"a":1}`)}, `rpc: m: node answered error 1: x: {"a":1}`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// TestOptionsDefaults: zero fields take the documented defaults.
func TestOptionsDefaults(t *testing.T) {
	o, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.CallTimeout != DefaultCallTimeout || o.MaxMessageSize != DefaultMaxMessageSize ||
		o.SubscriptionBuffer != DefaultSubscriptionBuffer || o.PingInterval != DefaultPingInterval || o.Logger == nil {
		t.Fatalf("defaults: %+v", o)
	}
}
