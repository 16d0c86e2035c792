/**
 * Paths inside the vpc-cni-ts image (see config/Dockerfile). One image serves both containers: the init step runs
 * from /init (it copies every other regular file there to the host CNI bin dir), the entrypoint from /app.
 */
export const IMAGE_LAYOUT = Object.freeze({
  /** Entrypoint of the aws-node container (ENTRYPOINT of the image). */
  entrypoint: '/app/aws-vpc-cni',
  /** Working directory of the entrypoint: it installs the plugins it finds there (aws-cni, egress-cni, ...). */
  appDir: '/app',
  /** Init step executable; its working directory holds the plugins it installs. */
  init: '/init/aws-vpc-cni-init',
  initWorkingDir: '/init',
  /** gRPC health probe, command-line compatible with grpc-ecosystem/grpc-health-probe. */
  healthProbe: '/app/grpc-health-probe',
});

/** ipamd's gRPC socket (grpc.health.v1 is served there too). */
export const IPAMD_SOCKET = '/var/run/aws-node/ipamd.sock';

/** Prometheus metrics port of ipamd (all interfaces; the pod uses the host network). */
export const METRICS_PORT = 61678;

/**
 * The exec probe command for liveness and readiness: ask grpc.health.v1 on ipamd's unix socket, 5 s to connect and
 * 5 s for the RPC (the probe's own timeout is 10 s).
 */
export function healthProbeCommand(): string[] {
  return [IMAGE_LAYOUT.healthProbe, `-addr=unix://${IPAMD_SOCKET}`, '-connect-timeout=5s', '-rpc-timeout=5s'];
}
