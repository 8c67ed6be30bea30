package cli

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestEachBoundsConcurrency protects each: every index is done once, never more than limit at a
// time, and with limit 1 in order.
func TestEachBoundsConcurrency(t *testing.T) {
	for _, limit := range []int{0, 1, 3} {
		var mu sync.Mutex
		running, most := 0, 0
		var order []int
		each(20, limit, func(i int) {
			mu.Lock()
			running++
			most = max(most, running)
			order = append(order, i)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
		})
		assert.Len(t, order, 20)
		assert.ElementsMatch(t, order, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
		assert.LessOrEqual(t, most, max(limit, 1), "limit %d", limit)
		if limit == 3 {
			assert.Equal(t, 3, most, "limit 3 runs three at once")
		} else {
			assert.IsIncreasing(t, order, "limit %d runs in order", limit)
		}
	}
}
