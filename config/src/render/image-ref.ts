import { ManifestError } from '../manifest-error';

/** The image used when --image is not given. */
export const DEFAULT_IMAGE = 'vpc-cni-ts:0.1.0';

/** The tag of an image reference ("repo/name:tag" -> "tag", "name@sha256:..." -> "sha256:...", none -> "latest"). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

/** Checks an image reference's shape (non-empty, no spaces, no empty tag); returns it or throws naming `what`. */
export function checkImage(image: string, what: string): string {
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(image) || image.endsWith(':') || image.endsWith('@')) {
    throw new ManifestError(
      `${what}: '${image}' is not an image reference such as registry.example.com/vpc-cni-ts:v0.1.0`,
    );
  }
  return image;
}
