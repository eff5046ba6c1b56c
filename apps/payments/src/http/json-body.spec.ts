import { UnsupportedMediaTypeError } from '../errors/request-errors.js';
import { requireJsonContentType } from './json-body.js';

describe('requireJsonContentType', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON'])(
    'accepts %j',
    (header) => {
      expect(() => requireJsonContentType(header)).not.toThrow();
    },
  );

  it.each([undefined, '', 'text/plain', 'application/jsonp', 'application/merge-patch+json'])(
    'refuses %j',
    (header) => {
      expect(() => requireJsonContentType(header)).toThrow(UnsupportedMediaTypeError);
    },
  );
});
