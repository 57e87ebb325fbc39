package signedhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// A JSONFunc answers one authenticated request: in is the decoded body,
// caller who sent it. Its error is sent back with 500, or with the code of
// a *StatusError, or 400 if it wraps ErrBadRequest.
type JSONFunc[In, Out any] func(ctx context.Context, caller Caller, in *In) (*Out, error)

// JSON adapts f to an http.Handler for use behind a Guard: it decodes the
// request body as JSON into In (400 if it does not decode), calls f with
// the Caller the Guard put in the context, and writes f's answer as JSON
// with status 200. A panic in f is answered with 500.
func JSON[In, Out any](f JSONFunc[In, Out]) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, ok := CallerFrom(r.Context())
		if !ok {
			WriteError(w, http.StatusInternalServerError, "Error", "signedhttp: JSON handler served without a Guard")
			return
		}
		in := new(In)
		if err := json.NewDecoder(r.Body).Decode(in); err != nil {
			WriteError(w, http.StatusBadRequest, "BadRequest", "signedhttp: bad request: decode body: "+err.Error())
			return
		}
		out, err := callJSON(r.Context(), f, caller, in)
		if err != nil {
			status := http.StatusInternalServerError
			var se *StatusError
			switch {
			case errors.As(err, &se):
				status = se.Code
			case errors.Is(err, ErrBadRequest):
				status = http.StatusBadRequest
			}
			name, _ := Class(err)
			WriteError(w, status, name, err.Error())
			return
		}
		body, err := json.Marshal(out)
		if err != nil {
			WriteError(w, http.StatusInternalServerError, "Error", "signedhttp: encode answer: "+err.Error())
			return
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

// callJSON calls f, turning a panic into an error.
func callJSON[In, Out any](ctx context.Context, f JSONFunc[In, Out], caller Caller, in *In) (out *Out, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("signedhttp: handler panicked: %v", p)
		}
	}()
	return f(ctx, caller, in)
}
