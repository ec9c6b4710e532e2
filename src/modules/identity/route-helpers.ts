import type { FastifyContextConfig, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { Static, TSchema } from 'typebox';

/** What a route's schema let through (params, body, querystring): Fastify validated it before the handler. */
export type Checked<T> = Static<T extends TSchema ? T : never>;

/** A handler that answers 201 Created with what `create` returns. */
export function created(create: (request: FastifyRequest) => Promise<unknown>) {
  return async (request: FastifyRequest, reply: FastifyReply) =>
    reply.status(201).send(await create(request));
}

/** A handler that answers 204 No Content once `act` is done. */
export function noContent(act: (request: FastifyRequest) => Promise<unknown>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    await act(request);
    return reply.status(204).send();
  };
}

/**
 * A module's route options: each route's access rule (read by the app's authorisation hook and
 * listed in its route table: declared next to the route, STYLE.md) and its OpenAPI schema under
 * the module's tags.
 */
export function routeOptions(tags: string[]) {
  return (config: FastifyContextConfig, schema: FastifySchema = {}) => ({
    config,
    schema: { tags, ...schema },
  });
}
