package io.synscope.probe;

/**
 * Socket memory counters, in bytes ({@code INET_DIAG_SKMEMINFO}, the {@code SK_MEMINFO_*} indices
 * of {@code linux/sock_diag.h}), as {@code ss -m} prints them in {@code skmem:(r,rb,t,tb,f,w,o,bl,d)}.
 *
 * @param rmemAlloc r: memory allocated for received data
 * @param rcvBuf rb: receive buffer size
 * @param wmemAlloc t: memory allocated for data being sent
 * @param sndBuf tb: send buffer size
 * @param fwdAlloc f: memory allocated in advance
 * @param wmemQueued w: memory allocated for the send queue
 * @param optMem o: memory for socket options
 * @param backlog bl: memory for the socket backlog queue
 * @param drops d: packets dropped before they reached the socket (-1 where the kernel lacks it)
 */
public record SocketMemory(
    long rmemAlloc,
    long rcvBuf,
    long wmemAlloc,
    long sndBuf,
    long fwdAlloc,
    long wmemQueued,
    long optMem,
    long backlog,
    long drops) {}
