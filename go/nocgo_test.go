//go:build !cgo

package gcpulse

import (
	"errors"
	"strings"
	"testing"
)

func TestStartWithoutCgo(t *testing.T) {
	tu, err := Start(Config{})
	if !errors.Is(err, ErrCgoRequired) || tu != nil || !strings.Contains(err.Error(), "CGO_ENABLED=1") {
		t.Fatalf("Start without cgo: %v, %v", tu, err)
	}
	if err := ParseTrace(strings.NewReader(""), nil); !errors.Is(err, ErrCgoRequired) {
		t.Fatalf("ParseTrace without cgo: %v", err)
	}
}
