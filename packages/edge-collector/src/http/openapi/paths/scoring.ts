import { scoringRulesSchema } from '@leadloop/schema';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { json, problems, SECRET_KEY_ERRORS } from '../responses.ts';

const rules = scoringRulesSchema.meta({ id: 'ScoringRules' });

/** `/v1/scoring`: the site's lead-scoring rules. */
export const scoringPaths: ZodOpenApiPathsObject = {
  '/v1/scoring': {
    get: {
      tags: ['Scoring'],
      operationId: 'getScoringRules',
      summary: 'Read the scoring rules',
      description: 'The rules in force, defaults filled in.',
      responses: { 200: json('The rules.', rules), ...problems(...SECRET_KEY_ERRORS) },
    },
    put: {
      tags: ['Scoring'],
      operationId: 'putScoringRules',
      summary: 'Replace the scoring rules',
      description:
        'Replaces the rules whole (omitted fields take their defaults); every lead is then rescored ' +
        'in the background. Invalid rules are refused with their field paths and the old ones stay.',
      requestBody: { required: true, content: { 'application/json': { schema: rules } } },
      responses: {
        200: json('The rules now in force.', rules),
        ...problems(400, ...SECRET_KEY_ERRORS, 413, 415, 503),
      },
    },
  },
};
