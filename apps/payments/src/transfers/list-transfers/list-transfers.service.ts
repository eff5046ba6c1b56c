import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TransferPage } from '../transfer.response.js';
import { TRANSFER_COLUMNS, toTransfer, type TransferRow } from '../transfer-row.js';
import type { ListTransfersQuery } from './list-transfers.request.js';
import { encodeCursor } from '../../http/page-cursor.js';

type ListedRow = TransferRow & { created_at_us: string };

@Injectable()
export class ListTransfersService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page of this client's transfers, oldest first (by `created_at`, then id), after the
   * cursor's position. Each status is a range scan of `transfers_by_client_status`, at most one
   * page long; the statuses' pages are merged, so listing every status costs three short scans.
   * One row more than the page tells whether another page follows.
   */
  async execute(clientId: string, query: ListTransfersQuery): Promise<TransferPage> {
    const { statuses, olderThanSeconds, limit, after } = query;
    const params: unknown[] = [clientId, statuses, limit + 1];
    const conditions: string[] = [];
    if (olderThanSeconds !== undefined) {
      params.push(olderThanSeconds);
      conditions.push(`created_at <= now() - make_interval(secs => $${params.length})`);
    }
    if (after) {
      params.push(after.createdAtMicros, after.id);
      const [micros, id] = [params.length - 1, params.length];
      conditions.push(
        `(created_at, id) > ('epoch'::timestamptz + $${micros}::bigint * interval '1 microsecond', $${id}::uuid)`,
      );
    }
    const rows = await this.dataSource.query<ListedRow[]>(
      `select page.* from unnest($2::text[]) as s(status)
       cross join lateral (
         select ${TRANSFER_COLUMNS},
                (extract(epoch from created_at) * 1000000)::bigint::text as created_at_us
           from transfers
          where client_id = $1 and status = s.status ${conditions.map((c) => `and ${c}`).join(' ')}
          order by created_at, id
          limit $3) as page
       order by page.created_at, page.id
       limit $3`,
      params,
    );
    const transfers = rows.slice(0, limit);
    const last = transfers.at(-1);
    return {
      transfers: transfers.map(toTransfer),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAtMicros: last.created_at_us, id: last.id })
          : null,
    };
  }
}
