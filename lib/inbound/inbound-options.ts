/** Largest report accepted over HTTP and SMTP, in bytes (10 MB): a bounce that returns a large original. */
export const INBOUND_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Options of the inbound SMTP server that receives bounces and complaints. */
export interface InboundSmtpOptions {
  /** TCP port. Sending MTAs deliver to port 25, and 0 picks a free port. */
  port: number;

  /** Address to listen on. @default '127.0.0.1' */
  host?: string;

  /**
   * PEM key and certificate offered with STARTTLS.
   * @default the self-signed certificate built into smtp-server
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/**
 * The inbound SMTP server's options, or null to leave the server stopped. A host module provides
 * it from its own options.
 */
export const INBOUND_SMTP_OPTIONS = Symbol('SCAISEND_INBOUND_SMTP_OPTIONS');
