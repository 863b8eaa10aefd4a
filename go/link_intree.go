//go:build !gcpulse_pkgconfig

package gcpulse

// Default build: compile against the in-tree header and link the in-tree
// static library (build it first with `make static` at the repository
// root).  The library is found through -L so that another build directory
// can take precedence: CGO_LDFLAGS="-L/path/to/other/build" go test ./...
//
// To use an installed copy instead (make install PREFIX=...), build with
// the tag gcpulse_pkgconfig: go build -tags gcpulse_pkgconfig (see
// link_pkgconfig.go).

// #cgo CFLAGS: -I${SRCDIR}/../include
// #cgo LDFLAGS: -L${SRCDIR}/../build -l:libgcpulse.a -lm
import "C"
