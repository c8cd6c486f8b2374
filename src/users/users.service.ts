import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { withConstraints } from '../common/constraints.js';
import { conflict, notFound } from '../common/problem.js';
import { USER_TOKEN_PREFIX, hashSecret, newSecret } from '../auth/tokens.js';
import { CreateUserDto, UserResponse, UserWithTokenResponse } from './dto/user.dto.js';
import { User } from './user.entity.js';
import { ProblemCode } from '../common/problem-codes.js';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async create(dto: CreateUserDto): Promise<UserWithTokenResponse> {
    const token = newSecret(USER_TOKEN_PREFIX);
    const user = await this.insert({ ...dto, tokenHash: hashSecret(token) });
    return { ...UserResponse.of(user), token };
  }

  async list(page: PageQuery): Promise<Page<UserResponse>> {
    return paginate(this.users.createQueryBuilder('user'), page, UserResponse.of);
  }

  async get(id: string): Promise<UserResponse> {
    return UserResponse.of(await this.find(id));
  }

  /** Revokes the user's token at once (the guard looks tokens up on every request). */
  async revokeToken(id: string): Promise<void> {
    const result = await this.users.update({ id }, { tokenHash: null, tokenIssuedAt: null });
    if (!result.affected) throw notFound('user', id);
  }

  /** Issues a new token, replacing any previous one. */
  async issueToken(id: string): Promise<UserWithTokenResponse> {
    const token = newSecret(USER_TOKEN_PREFIX);
    const result = await this.users.update({ id }, { tokenHash: hashSecret(token), tokenIssuedAt: new Date() });
    if (!result.affected) throw notFound('user', id);
    return { ...UserResponse.of(await this.find(id)), token };
  }

  private async find(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw notFound('user', id);
    return user;
  }

  private async insert(values: Pick<User, 'name' | 'email' | 'role' | 'tokenHash'>): Promise<User> {
    const saved = await withConstraints(() => this.users.save(this.users.create({ ...values, tokenIssuedAt: new Date() })), {
      users_email_key: () => conflict(ProblemCode.DuplicateEmail, `A user with email ${values.email} already exists`),
    });
    return this.find(saved.id);
  }
}
