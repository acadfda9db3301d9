import { describe, expect, it } from 'vitest';
import { statusOf } from '../../../services/api/index.js';
import { ErrorCode, WaybillError } from '../../../services/common/index.js';
import { IdRole } from '../../../services/execution/index.js';
import {
  EVENT_QUERY_PARAMETERS,
  encodePageToken,
  identifierKey,
  parseEventQuery,
  queryPairs,
} from '../../../services/query/index.js';
import { CASE1, CASE1_DL, FARM, FARM_DL, LOT1, LOT1_DL } from '../../support/supply-chain.js';

const parse = (search: string, scope = '/events') =>
  parseEventQuery(queryPairs(search, EVENT_QUERY_PARAMETERS), scope, 'org-a');

/** The parameter a search is refused for, with QUERY_PARAMETER_INVALID. */
function refused(search: string, scope = '/events'): string {
  try {
    parse(search, scope);
  } catch (err) {
    expect(err).toBeInstanceOf(WaybillError);
    const e = err as WaybillError;
    expect(e.code).toBe(ErrorCode.QueryParameterInvalid);
    expect(statusOf(e)).toBe(400);
    return String(e.meta.parameter);
  }
  throw new Error(`accepted: ${search}`);
}

const enc = encodeURIComponent;

describe('query parameters into a typed query', () => {
  it('maps each parameter onto the filter, values canonical, | as any of', () => {
    const { request } = parse(
      [
        'eventType=ObjectEvent|AggregationEvent',
        'GE_eventTime=2026-04-20T10:00:00Z',
        'LT_eventTime=2026-04-20T12:00:00.5+02:00',
        'GE_recordTime=2026-04-20T00:00:00Z',
        'LT_recordTime=2026-04-21T00:00:00Z',
        'EQ_action=ADD|OBSERVE',
        `EQ_bizStep=shipping|${enc('https://ref.gs1.org/cbv/BizStep-receiving')}|${enc('https://example.com/steps/wash')}`,
        `EQ_disposition=${enc('urn:epcglobal:cbv:disp:in_transit')}`,
        `EQ_readPoint=${enc(FARM)}`,
        `EQ_bizLocation=${enc(FARM_DL)}`,
        `MATCH_epc=${enc(CASE1)}|${enc(CASE1_DL)}`,
        `MATCH_anyEPCClass=${enc(LOT1)}`,
        `EQ_eventID=${enc('urn:uuid:1')}`,
        'EXISTS_errorDeclaration',
        'orderBy=eventTime',
        'orderDirection=ASC',
        'perPage=5',
      ].join('&'),
    );
    expect(request).toMatchObject({
      orderBy: 'eventTime',
      descending: false,
      limit: 5,
      filter: {
        eventType: ['ObjectEvent', 'AggregationEvent'],
        eventTime: { ge: Date.parse('2026-04-20T10:00:00Z'), lt: Date.parse('2026-04-20T10:00:00.5Z') },
        recordTime: { ge: Date.parse('2026-04-20T00:00:00Z'), lt: Date.parse('2026-04-21T00:00:00Z') },
        action: ['ADD', 'OBSERVE'],
        bizStep: ['shipping', 'receiving', 'https://example.com/steps/wash'],
        disposition: ['in_transit'],
        readPoint: [FARM_DL],
        bizLocation: [FARM_DL],
        eventID: ['urn:uuid:1'],
        errorDeclaration: true,
        ids: [
          { keys: [CASE1_DL, CASE1_DL], prefixes: [], roles: [IdRole.Epc, IdRole.Child] },
          { keys: [LOT1_DL], prefixes: [], roles: [IdRole.Class, IdRole.InputClass, IdRole.OutputClass] },
        ],
      },
    });
  });

  it('defaults: ledger order oldest first, 30 per page; orderBy alone sorts descending', () => {
    expect(parse('').request).toMatchObject({ orderBy: 'ledger', descending: false, limit: 30 });
    expect(parse('orderBy=recordTime').request).toMatchObject({ orderBy: 'recordTime', descending: true });
  });

  it('canonicalises EPC URNs and Digital Link URIs to one key', () => {
    expect(identifierKey(CASE1)).toBe(identifierKey(CASE1_DL));
    expect(identifierKey('http://example.com/01/10614141073464/21/2017')).toBe(CASE1_DL);
    expect(identifierKey('urn:example:my-own-id')).toBe('urn:example:my-own-id');
  });
});

describe('bad query parameters: 400 QueryParameterException naming the parameter', () => {
  it('unknown and repeated parameters', () => {
    expect(refused('eventTypes=ObjectEvent')).toBe('eventTypes');
    expect(refused('GE_eventDate=2026-01-01T00:00:00Z')).toBe('GE_eventDate');
    expect(refused('match_epc=x:y')).toBe('match_epc');
    expect(refused('EQ_action=ADD&EQ_action=OBSERVE')).toBe('EQ_action');
    expect(refused('perPage=1&perPage=2')).toBe('perPage');
  });

  it('every filter refuses a value it cannot mean', () => {
    const cases: Array<[string, string]> = [
      ['eventType', 'SensorEvent'],
      ['eventType', ''],
      ['GE_eventTime', '2026-04-20'],
      ['LT_eventTime', '2026-04-20T10:00:00'], // no zone
      ['GE_recordTime', 'yesterday'],
      ['LT_recordTime', '2026-02-30T10:00:00Z|2026-02-01T10:00:00Z'],
      ['EQ_action', 'add'],
      ['EQ_bizStep', 'flying'],
      ['EQ_bizStep', 'https://ref.gs1.org/cbv/BizStep-flying'],
      ['EQ_disposition', 'lost'],
      ['EQ_readPoint', 'not a uri'],
      ['EQ_bizLocation', 'urn:epc:id:sgln:bad'],
      ['MATCH_epc', 'urn:epc:id:sgtin:0614141.107346'],
      ['MATCH_parentID', 'urn:epc:id:sscc:12'],
      ['MATCH_inputEPC', 'https://id.gs1.org/01/123/21/1'],
      ['MATCH_outputEPC', 'urn:epc:idpat:sgtin:0614141.*.*'],
      ['MATCH_anyEPC', "' OR 1=1 --"],
      ['MATCH_epcClass', '../../etc/passwd'],
      ['MATCH_anyEPCClass', 'urn:x:a|'],
      ['EQ_eventID', 'urn:uuid:1"; DROP TABLE events; --'],
      ['EXISTS_errorDeclaration', 'yes'],
      ['orderBy', 'bizStep'],
      ['orderDirection', 'desc'],
      ['perPage', '0'],
      ['perPage', '1001'],
      ['perPage', '1e3'],
      ['perPage', '-5'],
    ];
    for (const [name, value] of cases) {
      expect(refused(`${name}=${enc(value)}`), `${name}=${value}`).toBe(name);
    }
  });

  it('too many values in one parameter', () => {
    const many = Array.from({ length: 101 }, (_, i) => `urn:x:${i}`).join('|');
    expect(refused(`MATCH_anyEPC=${enc(many)}`)).toBe('MATCH_anyEPC');
  });
});

describe('page tokens', () => {
  const defining: Array<[string, string]> = [['EQ_bizStep', 'shipping']];
  const token = encodePageToken([5, 9], { scope: '/events', org: 'org-a', defining });

  it('continue the query that issued them', () => {
    expect(parse(`EQ_bizStep=shipping&perPage=3&nextPageToken=${token}`).request.after).toEqual({
      value: 5,
      seq: 9,
    });
  });

  it('are refused when edited, truncated, reused with other parameters or on another resource', () => {
    const json = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown[];
    const edited = Buffer.from(JSON.stringify([json[0], json[1], 5, 2])).toString('base64url');
    const forged = Buffer.from(JSON.stringify([1, 'x'.repeat(16), 5, 9])).toString('base64url');
    for (const search of [
      `EQ_bizStep=shipping&nextPageToken=${edited}`,
      `EQ_bizStep=shipping&nextPageToken=${forged}`,
      `EQ_bizStep=shipping&nextPageToken=${token.slice(0, -2)}`,
      `EQ_bizStep=receiving&nextPageToken=${token}`,
      `nextPageToken=${token}`,
      `EQ_bizStep=shipping&nextPageToken=${enc('a+b/c=')}`,
      `EQ_bizStep=shipping&nextPageToken=${Buffer.from('[1,"a",1.5,2]').toString('base64url')}`,
    ]) {
      expect(refused(search), search).toBe('nextPageToken');
    }
    expect(refused(`EQ_bizStep=shipping&nextPageToken=${token}`, '/epcs/x/events')).toBe('nextPageToken');
  });
});
