package testserver

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func record(l *Log, uri, body string) {
	r := httptest.NewRequest("POST", uri, strings.NewReader(body))
	l.Record(r, 1<<20)
}

// TestLogRing protects the bound of the request log: it keeps the last Limit requests, oldest
// first, and counts all of them.
func TestLogRing(t *testing.T) {
	var l Log
	for i := range DefaultLogSize + 1 {
		record(&l, fmt.Sprintf("/d%d", i), "")
	}
	if all := l.All(); len(all) != DefaultLogSize || all[0].URI != "/d1" {
		t.Fatalf("zero Log keeps %d requests from %s, want %d from /d1", len(all), all[0].URI, DefaultLogSize)
	}
	l = Log{}
	l.SetLimit(3)
	for i := range 7 {
		record(&l, fmt.Sprintf("/r%d", i), fmt.Sprint(i))
	}
	if l.Count() != 7 {
		t.Fatalf("Count %d, want 7", l.Count())
	}
	all := l.All()
	if len(all) != 3 || all[0].URI != "/r4" || all[1].URI != "/r5" || all[2].URI != "/r6" || string(all[2].Body) != "6" {
		t.Fatalf("All = %+v, want /r4 /r5 /r6", all)
	}
	// Shrinking keeps the newest, growing keeps everything kept so far.
	l.SetLimit(2)
	if all := l.All(); len(all) != 2 || all[0].URI != "/r5" || all[1].URI != "/r6" {
		t.Fatalf("after SetLimit(2): %+v", all)
	}
	l.SetLimit(5)
	record(&l, "/r7", "")
	if all := l.All(); len(all) != 3 || all[0].URI != "/r5" || all[2].URI != "/r7" {
		t.Fatalf("after SetLimit(5): %+v", all)
	}
	l.SetLimit(0)
	if all := l.All(); len(all) != 1 || all[0].URI != "/r7" {
		t.Fatalf("after SetLimit(0): %+v, want /r7 alone", all)
	}
}

// TestLogBodyCap protects the body cap: the body is cut at maxBody and readable again.
func TestLogBodyCap(t *testing.T) {
	var l Log
	r := httptest.NewRequest("POST", "/x", strings.NewReader("abcdef"))
	body, tooLarge := l.Record(r, 4)
	if string(body) != "abcd" || !tooLarge {
		t.Fatalf("Record = %q, %v", body, tooLarge)
	}
	again := make([]byte, 10)
	n, _ := r.Body.Read(again)
	if string(again[:n]) != "abcd" {
		t.Fatalf("body read again: %q", again[:n])
	}
}

// TestLogConcurrent records from many goroutines while others read (run with -race).
func TestLogConcurrent(t *testing.T) {
	var l Log
	l.SetLimit(16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 200 {
				record(&l, fmt.Sprintf("/g%d/%d", g, i), "x")
			}
		}()
		go func() {
			defer wg.Done()
			for range 50 {
				if n := len(l.All()); n > 16 {
					t.Errorf("All returned %d requests, limit 16", n)
				}
			}
		}()
	}
	wg.Wait()
	if l.Count() != 1600 || len(l.All()) != 16 {
		t.Fatalf("Count %d, kept %d", l.Count(), len(l.All()))
	}
}

// entryBytes is what the byte budget counts of the kept requests.
func entryBytes(all []Request) int {
	n := 0
	for _, r := range all {
		n += requestBytes(r)
	}
	return n
}

// TestLogByteBudget protects the log's bound in bytes: many 1 MiB bodies keep the log under its
// byte budget (the oldest requests dropped first), the newest request is always kept (its body cut
// to fit), and what Record returns to the handler is never cut by the budget.
func TestLogByteBudget(t *testing.T) {
	var l Log
	big := strings.Repeat("x", 1<<20)
	for i := range 40 {
		r := httptest.NewRequest("POST", fmt.Sprintf("/r%d", i), strings.NewReader(big))
		if body, _ := l.Record(r, 1<<20); len(body) != 1<<20 {
			t.Fatalf("Record returned %d bytes, want the whole body", len(body))
		}
	}
	all := l.All()
	if got := entryBytes(all); got > DefaultLogBytes {
		t.Fatalf("log holds %d bytes, budget %d", got, DefaultLogBytes)
	}
	if len(all) == 0 || all[len(all)-1].URI != "/r39" || l.Count() != 40 {
		t.Fatalf("the newest request is not kept: %d kept, count %d", len(all), l.Count())
	}
	l.mu.Lock()
	l.maxBytes = 1000 // a smaller budget applies at once
	l.trim()
	l.mu.Unlock()
	all = l.All()
	if len(all) != 1 || all[0].URI != "/r39" || entryBytes(all) > 1000 {
		t.Fatalf("after a budget of 1000 bytes: %d kept, %d bytes", len(all), entryBytes(all))
	}
	r := httptest.NewRequest("POST", "/huge", strings.NewReader(big))
	if body, _ := l.Record(r, 1<<20); len(body) != 1<<20 {
		t.Fatalf("Record returned %d bytes, want the whole body", len(body))
	}
	if all := l.All(); len(all) != 1 || all[0].URI != "/huge" || len(all[0].Body) == 0 || entryBytes(all) > 1000 {
		t.Fatalf("a huge body is not kept cut: %+v", all)
	}
}
