import type { NextFunction, Request, Response } from 'express';
import { RotorError } from '@rotor/util';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * Every body the public API takes is JSON. A request that carries a body of any other media
 * type (a form, text, none named) is refused with 415 before a parser reads it; without this
 * a form body would be parsed and validated as if it were the JSON the client meant to send.
 * The charset of a JSON body is left to the JSON parser (it refuses all but UTF-8 with 415).
 */
export function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (JSON_MEDIA_TYPE.test(mediaType)) return next();
  next(unsupportedMediaType(mediaType));
}

function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

function unsupportedMediaType(mediaType: string): RotorError {
  const named = mediaType === '' ? 'no content type' : `content type "${mediaType.slice(0, 100)}"`;
  return new RotorError(
    'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    `request body has ${named}; send it as application/json`,
    'unsupported-media-type',
    [{ field: 'content-type', message: 'must be application/json' }],
  );
}
