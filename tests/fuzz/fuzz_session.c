/*
 * Fuzz target for calls (session.c, session_fsm.c, session_msg.c) on an
 * established control connection.
 *
 * Input: a selector byte -- bit 0: the peer speaks Cisco's draft dialect,
 * bit 1: configuration 3 (window of 1, a catch-all session that calls)
 * instead of 0 (three sessions, one calling) -- then harness.h's records,
 * typically ICRQ/ICRP/ICCN/CDN/SLI/WEN with FZ_PATCH_SID so that Remote
 * Session ID k (1..15) names our k-th call.  Before the records the harness's
 * peer brings the tunnel up (SCCRQ, SCCCN), so every input starts where
 * calls can be placed.
 */
#include <stddef.h>
#include <stdint.h>

#include "daemon/ctlconn_fsm.h"
#include "daemon/tunnel.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pro[512];
	size_t n;

	if (size < 1)
		return 0;
	CHECK(fz_start((data[0] & 2) ? 3 : 0) == 0);
	n = fz_prologue(data[0] & 1, pro, sizeof(pro));
	CHECK(n > 0);
	fz_run(pro, n);
	CHECK(fz_primary()->state == CC_ESTABLISHED);
	fz_run(data + 1, size - 1);
	fz_stop();
	return 0;
}
