import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsInstant } from '../../common/instant.js';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { EmptyMeansAbsent } from '../../common/query-params.js';
import { IsId } from '../../common/validation.js';
import { CASE_NOTE_CATEGORIES, type CaseNoteCategory } from '../case-note-access.js';
import type { AuthorKind, CaseNote } from '../case-note.entity.js';
import type { CaseNoteVersion } from '../case-note-version.entity.js';

export const MAX_BODY_LENGTH = 10_000;
const NOT_BLANK = /\S/;

export class CreateCaseNoteDto {
  @ApiProperty({ enum: CASE_NOTE_CATEGORIES, description: 'safeguarding notes are read only by admin, coordinator and safeguarding_lead' })
  @IsIn(CASE_NOTE_CATEGORIES)
  category: CaseNoteCategory;

  @ApiProperty({ minLength: 1, maxLength: MAX_BODY_LENGTH, example: 'Worked on the clay sculpture for an hour; proud to show it to the group.' })
  @IsString() @MinLength(1) @MaxLength(MAX_BODY_LENGTH) @Matches(NOT_BLANK, { message: '$property must not be blank' })
  body: string;

  @ApiProperty({ format: 'date-time', example: '2026-10-10T11:30:00Z', description: 'When it happened: an ISO-8601 instant with a time zone, not in the future' })
  @IsInstant()
  occurredAt: string;

  @ApiPropertyOptional({ format: 'uuid', description: "A session of a programme and term on which the participant has (or had) a place" })
  @IsOptional() @IsId()
  sessionId?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'Priya (support worker)',
    description: 'Who wrote it, as the sending tool knows them (the author itself is always stamped from the token)',
  })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) @Matches(NOT_BLANK, { message: '$property must not be blank' })
  authorName?: string;
}

export class AmendCaseNoteDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_BODY_LENGTH, description: 'The whole new body' })
  @IsString() @MinLength(1) @MaxLength(MAX_BODY_LENGTH) @Matches(NOT_BLANK, { message: '$property must not be blank' })
  body: string;

  @ApiProperty({ minLength: 1, maxLength: 1000, example: 'Corrected the time of the incident' })
  @IsString() @MinLength(1) @MaxLength(1000) @Matches(NOT_BLANK, { message: '$property must not be blank' })
  reason: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Who amended it, as the sending tool knows them' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) @Matches(NOT_BLANK, { message: '$property must not be blank' })
  authorName?: string;
}

export class CaseNoteQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CASE_NOTE_CATEGORIES, description: 'Only this category (still only what the caller may read)' })
  @IsOptional() @EmptyMeansAbsent() @IsIn(CASE_NOTE_CATEGORIES)
  category?: CaseNoteCategory;
}

export class CaseNoteAuthorResponse {
  @ApiProperty({ enum: ['user', 'integration'] }) kind: AuthorKind;
  @ApiProperty({ format: 'uuid', description: 'The user or integration id' }) id: string;
  @ApiProperty({ description: 'Its name when it wrote' }) name: string;
}

export class CaseNoteResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ enum: CASE_NOTE_CATEGORIES }) category: CaseNoteCategory;
  @ApiProperty({ description: "The current version's body" }) body: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) sessionId: string | null;
  @ApiProperty({ type: 'integer', description: 'The current version: 1 as written, + 1 per amendment' }) version: number;
  @ApiProperty({ type: CaseNoteAuthorResponse, description: 'Who wrote the note, stamped from the token' }) author: CaseNoteAuthorResponse;
  @ApiProperty({ type: String, nullable: true, description: 'The authorName the sending tool gave, if any' }) authorName: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the current version was written' }) updatedAt: string;

  static of(note: CaseNote, current: Pick<CaseNoteVersion, 'body' | 'createdAt'>): CaseNoteResponse {
    return {
      id: note.id,
      participantId: note.participantId,
      category: note.category,
      body: current.body,
      occurredAt: note.occurredAt.toISOString(),
      sessionId: note.sessionId,
      version: note.version,
      author: { kind: note.authorKind, id: note.authorId, name: note.authorName },
      authorName: note.reportedAuthorName,
      createdAt: note.createdAt.toISOString(),
      updatedAt: current.createdAt.toISOString(),
    };
  }
}

export class CaseNoteVersionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseNoteId: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty() body: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was amended; null for version 1' }) reason: string | null;
  @ApiProperty({ type: CaseNoteAuthorResponse, description: 'Who wrote this version' }) author: CaseNoteAuthorResponse;
  @ApiProperty({ type: String, nullable: true }) authorName: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(v: CaseNoteVersion): CaseNoteVersionResponse {
    return {
      id: v.id,
      caseNoteId: v.caseNoteId,
      version: v.version,
      body: v.body,
      reason: v.reason,
      author: { kind: v.authorKind, id: v.authorId, name: v.authorName },
      authorName: v.reportedAuthorName,
      createdAt: v.createdAt.toISOString(),
    };
  }
}

export class CaseNotePage extends PageResponse {
  @ApiProperty({ type: [CaseNoteResponse] }) items: CaseNoteResponse[];
}

export class CaseNoteVersionPage extends PageResponse {
  @ApiProperty({ type: [CaseNoteVersionResponse], description: 'Oldest first' }) items: CaseNoteVersionResponse[];
}
