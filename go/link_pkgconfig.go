//go:build gcpulse_pkgconfig

package gcpulse

// Build with -tags gcpulse_pkgconfig to compile and link against an
// installed gcpulse found by pkg-config (gcpulse.pc, installed by
// `make install`).  PKG_CONFIG_PATH selects a non-standard prefix.
// For a static link add: CGO_LDFLAGS="-static" or use --static via
// PKG_CONFIG="pkg-config --static".

// #cgo pkg-config: gcpulse
import "C"
