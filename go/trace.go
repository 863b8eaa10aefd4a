package gcpulse

// #include <stdlib.h>
// #include "gcpulse.h"
// #include "bridge.h"
import "C"

import (
	"errors"
	"io"
	"runtime/cgo"
	"unsafe"
)

// traceSink collects events while the C parser runs.
type traceSink struct{ evs []Event }

func (s *traceSink) gotEvent(ev *C.gcpulse_event_t) {
	e := eventFromC(ev)
	s.evs = append(s.evs, e)
	if traceJSONHook != nil {
		traceJSONHook(e, eventJSON(ev))
	}
}

// traceJSONHook, when set (tests), receives every parsed event with the C
// library's own JSON of it (gcpulse_event_to_json).
var traceJSONHook func(Event, string)

// eventJSON is gcpulse_event_to_json of ev ("" on error).
func eventJSON(ev *C.gcpulse_event_t) string {
	n := C.gcpulse_event_to_json(ev, nil, 0)
	if n < 0 {
		return ""
	}
	buf := (*C.char)(C.malloc(C.size_t(n) + 1))
	defer C.free(unsafe.Pointer(buf))
	if C.gcpulse_event_to_json(ev, buf, C.size_t(n)+1) < 0 {
		return ""
	}
	return C.GoStringN(buf, C.int(n))
}
func (s *traceSink) gotDecision(d *C.gcpulse_gogc_decision_t) {}
func (s *traceSink) gotAction(a *C.gcpulse_action_t)          {}

// ParseTrace reads a Go gctrace (GODEBUG=gctrace=1 stderr) or JVM GC log
// stream from r (format detected from the first recognised line), and
// calls fn for each event, in order, until EOF.  Non-GC lines are skipped.
// fn runs outside the C library and may do anything.  It returns the first
// read error other than io.EOF.
func ParseTrace(r io.Reader, fn func(Event)) error {
	c := C.gp_config_new()
	if c == nil {
		return errors.New("gcpulse: out of memory")
	}
	c.policy_enabled = 0
	c.gogc.mode = C.GCPULSE_GOGC_OFF
	sink := &traceSink{}
	h := cgo.NewHandle(receiver(sink))
	defer h.Delete()
	var g *C.gcpulse_t
	rc := C.gp_new(c, C.uintptr_t(h), 1, 0, 0, &g)
	C.gp_config_free(c)
	if rc < 0 {
		return libErr("gcpulse_new", rc)
	}
	defer C.gcpulse_free(g)

	const chunk = 64 << 10
	buf := (*C.char)(C.malloc(chunk))
	if buf == nil {
		return errors.New("gcpulse: out of memory")
	}
	defer C.free(unsafe.Pointer(buf))
	cbuf := unsafe.Slice((*byte)(unsafe.Pointer(buf)), chunk)
	deliver := func() {
		evs := sink.evs
		sink.evs = nil
		if fn != nil {
			for _, e := range evs {
				fn(e)
			}
		}
	}
	for {
		n, err := r.Read(cbuf)
		if n > 0 {
			if rc := C.gcpulse_feed(g, buf, C.size_t(n)); rc < 0 {
				return libErr("gcpulse_feed", rc)
			}
			deliver()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if rc := C.gcpulse_finish(g); rc < 0 {
		return libErr("gcpulse_finish", rc)
	}
	deliver()
	return nil
}
