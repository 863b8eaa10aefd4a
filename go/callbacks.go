package gcpulse

// Exported Go functions the C trampolines in bridge.c call.  A file with
// //export may only declare things in its preamble, so the conversions
// live in convert.go.
//
// The C library calls these synchronously from inside gcpulse_feed*,
// gcpulse_tick or gcpulse_feed_event, on the goroutine that made that call
// and which holds the instance mutex.  They only copy the record into Go
// memory and queue it on the receiver; Go user code (callbacks, GOGC
// changes) runs after the C call has returned.

// #include <stdint.h>
// #include "gcpulse.h"
import "C"

import "runtime/cgo"

// receiver is implemented by the Tuner and the trace parser.
type receiver interface {
	gotEvent(ev *C.gcpulse_event_t)
	gotDecision(d *C.gcpulse_gogc_decision_t)
	gotAction(a *C.gcpulse_action_t)
}

func lookup(user C.uintptr_t) receiver {
	r, _ := cgo.Handle(user).Value().(receiver)
	return r
}

//export gcpulseGoOnEvent
func gcpulseGoOnEvent(user C.uintptr_t, ev *C.gcpulse_event_t) C.int {
	if r := lookup(user); r != nil {
		r.gotEvent(ev)
	}
	return 0
}

//export gcpulseGoOnGogc
func gcpulseGoOnGogc(user C.uintptr_t, d *C.gcpulse_gogc_decision_t) C.int {
	if r := lookup(user); r != nil {
		r.gotDecision(d)
	}
	return 0
}

//export gcpulseGoOnAction
func gcpulseGoOnAction(user C.uintptr_t, a *C.gcpulse_action_t) C.int {
	if r := lookup(user); r != nil {
		r.gotAction(a)
	}
	return 0
}
