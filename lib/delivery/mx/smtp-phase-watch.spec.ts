import { SmtpPhaseWatch, type SmtpPhase } from './smtp-phase-watch.js';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Creates a watch whose connect and envelope phases run out quickly and whose handshake and data phases do not. */
function watch(): { phaseWatch: SmtpPhaseWatch; timedOut: SmtpPhase[] } {
  const phaseWatch = new SmtpPhaseWatch({ connectMs: 20, handshakeMs: 60_000, envelopeMs: 20, dataMs: 60_000 });
  const timedOut: SmtpPhase[] = [];
  phaseWatch.onTimeout = (phase) => timedOut.push(phase);
  return { phaseWatch, timedOut };
}

function client(phaseWatch: SmtpPhaseWatch, line: string): void {
  phaseWatch.logger.debug?.({ tnx: 'client' }, line);
}

function server(phaseWatch: SmtpPhaseWatch, line: string): void {
  phaseWatch.logger.debug?.({ tnx: 'server' }, line);
}

describe('SmtpPhaseWatch', () => {
  it('reports the phase that ran out', async () => {
    const { phaseWatch, timedOut } = watch();

    phaseWatch.enter('connect');
    await sleep(100);

    expect(timedOut).toEqual(['connect']);
  });

  it('switches to the handshake phase on EHLO', async () => {
    const { phaseWatch, timedOut } = watch();

    phaseWatch.enter('connect');
    server(phaseWatch, '220 mx.example.org ESMTP');
    client(phaseWatch, 'EHLO mta.example.test');
    await sleep(100);
    phaseWatch.stop();

    expect(timedOut).toEqual([]);
  });

  it('keeps the data phase across commands', async () => {
    const { phaseWatch, timedOut } = watch();

    phaseWatch.enter('envelope');
    phaseWatch.enter('data');
    client(phaseWatch, 'RSET');
    await sleep(100);
    phaseWatch.stop();

    expect(timedOut).toEqual([]);
  });

  it('stays quiet once stopped', async () => {
    const { phaseWatch, timedOut } = watch();

    phaseWatch.enter('envelope');
    phaseWatch.stop();
    client(phaseWatch, 'RCPT TO:<alice@example.org>');
    await sleep(100);

    expect(timedOut).toEqual([]);
  });

  it('records the reply to STARTTLS', () => {
    const { phaseWatch } = watch();

    phaseWatch.enter('connect');
    client(phaseWatch, 'STARTTLS');
    server(phaseWatch, '454 4.7.0 TLS not available due to local problem');
    phaseWatch.stop();

    expect(phaseWatch.startTlsReply).toBe('454 4.7.0 TLS not available due to local problem');
  });
});
