import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

/** A certificate authority and a server certificate it signed, for the mock's HTTPS. */
interface MockCertificates {
  /** The authority's certificate (PEM): what a client trusts (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE). */
  readonly caPem: string;
  /** The server's certificate (PEM), for the names and addresses it answers on. */
  readonly certPem: string;
  /** The server's private key (PEM): kept in memory, never written. */
  readonly keyPem: string;
}

// DER, the few types an X.509 certificate needs (ITU-T X.690).
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const bool = (): Buffer => tlv(0x01, Buffer.from([0xff]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));

function integer(b: Buffer): Buffer {
  return tlv(0x02, (b[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const base128 = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(id), ...(critical ? [bool()] : []), octets(value));

/** The subject alternative names: every name as dNSName, every address as iPAddress. */
function altNames(hosts: readonly string[]): Buffer {
  return seq(
    ...hosts.map((h) => {
      const family = isIP(h);
      if (family === 0) return tlv(0x82, Buffer.from(h, 'ascii'));
      const bytes =
        family === 4
          ? Buffer.from(h.split('.').map(Number))
          : Buffer.from(expandIpv6(h).flatMap((group) => [group >> 8, group & 0xff]));
      return tlv(0x87, bytes);
    }),
  );
}

function expandIpv6(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function certificate(o: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  extensions: Buffer[];
  days: number;
}): Buffer {
  const now = Date.now();
  const serial = randomBytes(16);
  // Positive, and minimal as DER requires: a first byte of 0 would be padding a parser refuses
  // ("illegal padding"), which 1 certificate in 128 had.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(o.issuer),
    seq(time(new Date(now - 3_600_000)), time(new Date(now + o.days * 86_400_000))),
    name(o.subject),
    o.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...o.extensions)),
  );
  return seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, o.signer)));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const keyId = (key: KeyObject): Buffer =>
  createHash('sha1')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();

/**
 * A fresh authority and a server certificate for `hosts` (loopback names and addresses, and the
 * host the mock listens on), both ECDSA P-256, valid for 30 days. Node has no API that makes a
 * certificate, and the mock takes no dependency for one: this is the DER of RFC 5280, signed
 * with node:crypto. A separate authority, not one self-signed certificate, because strict
 * verifiers (OpenSSL's X509_STRICT, Python 3.13's default) refuse a CA certificate as a server's.
 */
export function selfSignedCertificate(hosts: readonly string[]): MockCertificates {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caName = 'dvbench mock CA';
  const caDer = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signer: ca.privateKey,
    days: 30,
    extensions: [
      extension('2.5.29.19', true, seq(bool())),
      // keyCertSign and cRLSign: bits 5 and 6.
      extension('2.5.29.15', true, bits(Buffer.from([0x06]), 1)),
      extension('2.5.29.14', false, octets(keyId(ca.publicKey))),
    ],
  });
  const serverDer = certificate({
    subject: 'dvbench mock',
    issuer: caName,
    publicKey: server.publicKey,
    signer: ca.privateKey,
    days: 30,
    extensions: [
      extension('2.5.29.19', true, seq()),
      // digitalSignature: bit 0.
      extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)),
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', false, altNames([...new Set(hosts)])),
      extension('2.5.29.14', false, octets(keyId(server.publicKey))),
      extension('2.5.29.35', false, seq(tlv(0x80, keyId(ca.publicKey)))),
    ],
  });
  return {
    caPem: pem('CERTIFICATE', caDer),
    certPem: pem('CERTIFICATE', serverDer),
    keyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
