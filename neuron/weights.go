package neuron

import (
	"math"
)

// ProcessWeights turns a validator's scores (by uid, non-negative) into
// weights the subnet accepts, as Bittensor's process_weights_for_netuid
// does: normalised to sum 1, with no weight above maxWeight (a share in
// (0, 1]; the subnet's max_weights_limit / 65535), and at least minAllowed
// non-zero weights (the subnet's min_allowed_weights) by giving every uid a
// tiny weight when too few scores are positive. Negative, NaN and infinite
// scores count as 0. With no positive score it returns nil: there is
// nothing to say yet.
func ProcessWeights(scores []float64, minAllowed int, maxWeight float64) []float64 {
	n := len(scores)
	w := make([]float64, n)
	nonzero := 0
	for i, s := range scores {
		if s > 0 && !math.IsInf(s, 0) {
			w[i] = s
			nonzero++
		}
	}
	if nonzero == 0 {
		return nil
	}
	if n < minAllowed {
		minAllowed = n
	}
	if nonzero < minAllowed {
		for i := range w {
			w[i] += 1e-5
		}
	}
	return capWeights(w, maxWeight)
}

// capWeights normalises w to sum 1 with no entry above limit: entries over
// the limit are held at it and the rest of the mass is shared among the
// others in proportion, until none is over. If the limit cannot be met (n ×
// limit < 1) every non-zero entry gets the same share.
func capWeights(w []float64, limit float64) []float64 {
	out := make([]float64, len(w))
	sum, positive := 0.0, 0
	for _, x := range w {
		sum += x
		if x > 0 {
			positive++
		}
	}
	if sum == 0 {
		return out
	}
	if !(limit > 0) || limit >= 1 {
		limit = 1
	}
	if float64(positive)*limit < 1 {
		for i, x := range w {
			if x > 0 {
				out[i] = 1 / float64(positive)
			}
		}
		return out
	}
	capped := make([]bool, len(w))
	for {
		free, freeSum := 1.0, 0.0
		for i, x := range w {
			if capped[i] {
				free -= limit
			} else {
				freeSum += x
			}
		}
		changed := false
		for i, x := range w {
			if capped[i] {
				out[i] = limit
				continue
			}
			out[i] = 0
			if freeSum > 0 {
				out[i] = x / freeSum * free
			}
			if out[i] > limit {
				capped[i], changed = true, true
			}
		}
		if !changed {
			return out
		}
	}
}
