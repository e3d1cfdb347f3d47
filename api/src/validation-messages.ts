// What a refused field is told, in words a person reads in a form ("must be at most 256 characters"),
// not the validator's own ("must NOT have more than 256 characters"). Keyed by the validator's keyword;
// anything not listed keeps the validator's text.
import {
  TAG_INPUT_PATTERN,
  TAG_MAX_LENGTH,
  TAG_PATTERN,
  USERNAME_INPUT_PATTERN,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
} from '@flock/shared/names';

export interface ValidationIssue {
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const characters = (count: unknown) => (count === 1 ? '1 character' : `${String(count)} characters`);
const items = (count: unknown) => (count === 1 ? '1 item' : `${String(count)} items`);

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  uri: 'a URL',
  'date-time': 'a date and time',
};

const PATTERN_RULES: Record<string, string> = {
  [USERNAME_PATTERN]: `may use only lower-case letters, digits and _, ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`,
  [USERNAME_INPUT_PATTERN]: `may use only letters, digits and _, ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`,
  [TAG_PATTERN]: `may use only lower-case letters, digits and _, up to ${TAG_MAX_LENGTH} characters`,
  [TAG_INPUT_PATTERN]: `may use only letters, digits and _ (after an optional #), up to ${TAG_MAX_LENGTH} characters`,
};

const typeName = (type: unknown) =>
  String(type)
    .split(',')
    .map((name) => TYPE_NAMES[name] ?? name)
    .join(' or ');

export function validationMessage(issue: ValidationIssue): string {
  const { params } = issue;
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an allowed field';
    case 'type':
      return `must be ${typeName(params.type)}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${characters(params.limit)}`;
    case 'maxLength':
      return `must be at most ${characters(params.limit)}`;
    case 'minItems':
      return `must have at least ${items(params.limit)}`;
    case 'maxItems':
      return `must have at most ${items(params.limit)}`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'format':
      return `must be ${FORMAT_NAMES[String(params.format)] ?? `a valid ${String(params.format)}`}`;
    case 'pattern':
      return PATTERN_RULES[String(params.pattern)] ?? 'is not in the expected form';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${String(params.allowedValue)}`;
    case 'minProperties':
      return params.limit === 1
        ? 'must name at least one field'
        : `must name at least ${String(params.limit)} fields`;
    case 'uniqueItems':
      return 'must not list the same item twice';
    default:
      return issue.message ?? 'is invalid';
  }
}
